import { PresaleBanner } from './PresalePage.js';
import { BargainBanner } from './BargainPages.js';

/** The campaigns running in the shop now, above its products. */
export function CampaignBanners({ slug }: { slug: string }) {
  return (
    <>
      <PresaleBanner slug={slug} />
      <BargainBanner slug={slug} />
    </>
  );
}
