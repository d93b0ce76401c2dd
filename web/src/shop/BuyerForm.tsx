import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { ErrorNote, Field } from '../ui.js';
import { saveShopSession, type ShopSession } from './session.js';

const PHONE = /^\+?[0-9]{6,20}$/;

/** Asked once per shop: opens the consumer session that stands in for WeChat login in the sandbox. */
export function BuyerForm({ slug }: { slug: string }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [touched, setTouched] = useState(false);
  const open = useMutation({
    mutationFn: () => api<ShopSession>(`/shops/${slug}/session`, { body: { name: name.trim(), phone: phone.replace(/[\s-]/g, '') } }),
    onSuccess: (s) => saveShopSession(slug, { token: s.token, customer: s.customer }),
  });
  const phoneOk = PHONE.test(phone.replace(/[\s-]/g, ''));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (name.trim() && phoneOk) open.mutate();
  };
  return (
    <form className="card form" onSubmit={submit} data-testid="buyer-form">
      <h2 className="section-title">{t('shop.buyer_title')}</h2>
      <p className="muted small">{t('shop.buyer_hint')}</p>
      <Field label={t('shop.name')}>
        <input value={name} onChange={(e) => setName(e.target.value)} maxLength={64} autoComplete="name" required data-testid="buyer-name" />
      </Field>
      <Field label={t('shop.phone')}>
        <input value={phone} onChange={(e) => setPhone(e.target.value)} inputMode="tel" autoComplete="tel" required data-testid="buyer-phone" />
      </Field>
      {touched && !phoneOk && <p className="error small">{t('shop.phone_invalid')}</p>}
      <ErrorNote error={open.error} testId="buyer-error" />
      <button type="submit" className="primary block" disabled={open.isPending} data-testid="buyer-submit">{t('shop.continue')}</button>
    </form>
  );
}
