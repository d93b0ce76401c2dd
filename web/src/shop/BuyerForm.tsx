import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { ErrorNote, Field } from '../ui.js';
import { useServerMode } from '../SandboxBanner.js';
import type { ShopOtp } from '../types.js';
import { saveShopSession, type ShopSession } from './session.js';
import { WechatSignIn } from './WechatSignIn.js';

const PHONE = /^\+?[0-9]{6,20}$/;
const CODE = /^[0-9]{6}$/;

/** Sign-in that proves the phone: a code is sent to it, and the code opens the session. */
export function BuyerForm({ slug }: { slug: string }) {
  const { t } = useTranslation();
  const mode = useServerMode();
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [touched, setTouched] = useState(false);
  const cleanPhone = phone.replace(/[\s-]/g, '');
  const send = useMutation({
    mutationFn: () => api<ShopOtp>(`/shops/${slug}/otp`, { body: { phone: cleanPhone } }),
    onSuccess: () => setSentTo(cleanPhone),
  });
  const open = useMutation({
    mutationFn: () => api<ShopSession>(`/shops/${slug}/session`, { body: { phone: sentTo, code, ...(name.trim() ? { name: name.trim() } : {}) } }),
    onSuccess: (s) => saveShopSession(slug, { token: s.token, customer: s.customer }),
  });
  const phoneOk = PHONE.test(cleanPhone);
  const requestCode = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (phoneOk) send.mutate();
  };
  const verify = (e: FormEvent) => {
    e.preventDefault();
    if (CODE.test(code)) open.mutate();
  };
  if (sentTo) {
    return (
      <form className="card form" onSubmit={verify} data-testid="buyer-form">
        <h2 className="section-title">{t('shop.code_title')}</h2>
        <p className="muted small">{t('shop.code_sent', { phone: sentTo })}</p>
        {mode.data?.mode === 'sandbox' && <p className="notice small" data-testid="sandbox-code-hint">{t('sandbox.code_hint')}</p>}
        <Field label={t('shop.code')}>
          <input value={code} onChange={(e) => setCode(e.target.value.replace(/\D/g, '').slice(0, 6))} inputMode="numeric" autoComplete="one-time-code" required data-testid="buyer-code" />
        </Field>
        <ErrorNote error={open.error} testId="buyer-error" />
        <button type="submit" className="primary block" disabled={open.isPending || !CODE.test(code)} data-testid="buyer-verify">{t('shop.sign_in')}</button>
        <button type="button" className="link" onClick={() => { setSentTo(null); setCode(''); open.reset(); }} data-testid="buyer-change-phone">{t('shop.change_phone')}</button>
      </form>
    );
  }
  return (
    <>
    <WechatSignIn slug={slug} />
    <form className="card form" onSubmit={requestCode} data-testid="buyer-form">
      <h2 className="section-title">{t('shop.buyer_title')}</h2>
      <p className="muted small">{t('shop.buyer_hint')}</p>
      <Field label={t('shop.phone')}>
        <input value={phone} onChange={(e) => setPhone(e.target.value)} inputMode="tel" autoComplete="tel" required data-testid="buyer-phone" />
      </Field>
      <Field label={t('shop.name_optional')}>
        <input value={name} onChange={(e) => setName(e.target.value)} maxLength={64} autoComplete="name" data-testid="buyer-name" />
      </Field>
      {touched && !phoneOk && <p className="error small">{t('shop.phone_invalid')}</p>}
      <ErrorNote error={send.error} testId="buyer-error" />
      <button type="submit" className="primary block" disabled={send.isPending} data-testid="buyer-submit">{t('shop.send_code')}</button>
    </form>
    </>
  );
}
