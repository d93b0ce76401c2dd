import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { WechatpaySettings } from '../types.js';
import { ErrorNote, Loading, formatTime } from '../ui.js';
import { adminApi } from './auth.js';

/** The tenant's WeChat Pay merchant settings, read-only: what is set, never a secret. */
export function WechatPayPage() {
  const { t, i18n } = useTranslation();
  const settings = useQuery({
    queryKey: ['admin', 'wechatpay'],
    queryFn: ({ signal }) => adminApi<WechatpaySettings>('/payments/wechatpay/settings', { signal }),
  });
  if (settings.isPending) return <Loading />;
  if (settings.error) return <ErrorNote error={settings.error} />;
  const s = settings.data;
  return (
    <section>
      <h1 className="page-title">{t('wechatpay.title')}</h1>
      <p className="muted small">{t('wechatpay.hint')}</p>
      {!s.configured ? <p className="muted" data-testid="wechatpay-none">{t('wechatpay.none')}</p> : (
        <dl className="card facts" data-testid="wechatpay-settings">
          <dt>{t('wechatpay.mchid')}</dt><dd data-testid="wechatpay-mchid">{s.mchid}</dd>
          <dt>{t('wechatpay.appids')}</dt><dd data-testid="wechatpay-appids">{s.appids?.join(', ')}</dd>
          <dt>{t('wechatpay.serial')}</dt><dd>{s.merchant_serial}</dd>
          <dt>{t('wechatpay.platform_keys')}</dt>
          <dd>{s.platform_keys?.map((k) => <div key={k.serial}>{k.serial} · {t(`wechatpay.kind.${k.kind}`)}</div>)}</dd>
          <dt>{t('wechatpay.api_base')}</dt><dd data-testid="wechatpay-api-base">{s.simulator ? t('wechatpay.simulator') : s.api_base}</dd>
          <dt>{t('wechatpay.profit_sharing')}</dt><dd>{s.profit_sharing ? t('wechatpay.yes') : t('wechatpay.no')}</dd>
          <dt>{t('wechatpay.secrets')}</dt><dd data-testid="wechatpay-secrets">{s.private_key_set && s.apiv3_key_set ? t('wechatpay.secrets_set') : '–'}</dd>
          <dt>{t('common.time')}</dt><dd>{s.updated_at ? formatTime(s.updated_at, i18n.language) : ''}</dd>
        </dl>
      )}
    </section>
  );
}
