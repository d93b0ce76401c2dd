import { useTranslation } from 'react-i18next';
import { useCouponTerms, useWallet } from './discounts.js';

/**
 * The buyer's usable coupons at checkout: tap to use one (or several that stack with coupons).
 * The quote beside it shows at once what each choice takes off, or why it does not fit.
 */
export function CouponPicker({ token, chosen, onChange }: { token: string; chosen: string[]; onChange: (ids: string[]) => void }) {
  const { t } = useTranslation();
  const wallet = useWallet(token);
  const terms = useCouponTerms();
  const usable = (wallet.data?.items ?? []).filter((c) => c.status === 'available');
  if (usable.length === 0) return null;
  const byId = new Map(usable.map((c) => [c.id, c]));
  const toggle = (id: string) => {
    if (chosen.includes(id)) return onChange(chosen.filter((c) => c !== id));
    const coupon = byId.get(id)!;
    // Coupons that stack with others join the choice; any other replaces it.
    const keep = coupon.stacks_with_coupons ? chosen.filter((c) => byId.get(c)?.stacks_with_coupons) : [];
    onChange([...keep, id]);
  };
  return (
    <section className="card coupon-picker" data-testid="coupon-picker">
      <p className="muted small">{t('coupons.pick')}</p>
      <ul className="coupon-list">
        {usable.map((c) => (
          <li key={c.id}>
            <button type="button" className={chosen.includes(c.id) ? 'coupon chosen' : 'coupon'} aria-pressed={chosen.includes(c.id)} onClick={() => toggle(c.id)} data-testid="coupon-option" data-coupon-id={c.id}>
              <strong>{c.name}</strong>
              <span className="small">{terms(c)}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
