import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { ErrorNote, Loading, formatTime } from '../ui.js';
import { useCouponTerms, useWallet } from './discounts.js';
import { NeedSession } from './OrderPage.js';
import { Promotions } from './Promotions.js';
import { useShopSession } from './session.js';

/** The buyer's coupon wallet: coupons to claim here, then theirs — usable, used, expired. */
export function WalletPage() {
  const { slug = '' } = useParams();
  const { t, i18n } = useTranslation();
  const session = useShopSession(slug);
  const wallet = useWallet(session?.token);
  const terms = useCouponTerms();
  if (!session) return <NeedSession slug={slug} />;
  return (
    <>
      <h1 className="page-title">{t('coupons.wallet')}</h1>
      <Link to={`/s/${slug}/invitations`} className="link small" data-testid="my-invitations-link">{t('referrals.mine')} →</Link>
      <Promotions slug={slug} />
      {wallet.isPending ? <Loading /> : wallet.error ? <ErrorNote error={wallet.error} /> : (
        wallet.data.items.length === 0 ? <p className="muted" data-testid="wallet-empty">{t('coupons.wallet_empty')}</p> : (
          <ul className="coupon-list" data-testid="wallet">
            {wallet.data.items.map((c) => (
              <li key={c.id} className={`coupon card ${c.status}`} data-testid="wallet-coupon" data-status={c.status}>
                <strong>{c.name}</strong>
                <span className="small">{terms(c)}</span>
                <span className="muted small">
                  {t(`coupons.status_${c.status}`)} · {t('coupons.valid_until', { time: formatTime(c.valid_until, i18n.language) })}
                  {c.order_id && <> · <Link to={`/s/${slug}/orders/${c.order_id}`} className="link">{t('coupons.used_on_order')}</Link></>}
                </span>
              </li>
            ))}
          </ul>
        )
      )}
    </>
  );
}
