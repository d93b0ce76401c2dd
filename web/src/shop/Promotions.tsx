import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { yuan } from '../money.js';
import { ErrorNote } from '../ui.js';
import { useClaimCoupon, useCouponTerms, usePromotions } from './discounts.js';
import { useShopSession } from './session.js';

/** What the shop runs now, on the product page: the subsidy every order over its minimum gets, and coupons to claim. */
export function Promotions({ slug }: { slug: string }) {
  const { t } = useTranslation();
  const session = useShopSession(slug);
  const promotions = usePromotions(slug, session?.token);
  const claim = useClaimCoupon(slug, session?.token);
  const terms = useCouponTerms();
  const subsidy = promotions.data?.subsidies[0];
  const offers = promotions.data?.coupons ?? [];
  if (!subsidy && offers.length === 0) return null;
  return (
    <section className="promotions card" data-testid="promotions">
      {subsidy && (
        <p className="promotion" data-testid="promotion-subsidy">
          <span className="tag">{t('coupons.kind_subsidy')}</span> {subsidy.name}: {t('coupons.subsidy_terms', { min: yuan(subsidy.min_order_total), amount: yuan(subsidy.discount_per_order) })}
        </p>
      )}
      {offers.map((o) => (
        <div key={o.template_id} className="promotion row" data-testid="promotion-coupon">
          <span><span className="tag">{t('coupons.kind_coupon')}</span> {o.name} · {terms(o)}</span>
          {session ? (
            o.claimed >= o.per_customer_limit
              ? <span className="muted small" data-testid="coupon-claimed">{t('coupons.claimed')}</span>
              : <button type="button" className="button small" disabled={claim.isPending} onClick={() => claim.mutate(o.template_id)} data-testid="claim-coupon">{t('coupons.claim')}</button>
          ) : (
            <Link to={`/s/${slug}/coupons`} className="link small">{t('coupons.claim')}</Link>
          )}
        </div>
      ))}
      <ErrorNote error={claim.error} testId="claim-error" />
    </section>
  );
}
