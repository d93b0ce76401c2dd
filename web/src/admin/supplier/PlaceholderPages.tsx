import { useTranslation } from 'react-i18next';

/** Purchase orders a supplier receives from demand aggregation; the screen arrives with them. */
export function SupplierPurchaseOrdersPage() {
  const { t } = useTranslation();
  return (
    <section data-testid="supplier-purchase-orders">
      <h1 className="page-title">{t('supply.portal_purchase_orders')}</h1>
      <p className="muted">{t('supply.portal_coming')}</p>
    </section>
  );
}

/** Shipments a supplier confirms against its purchase orders; the screen arrives with them. */
export function SupplierShipmentsPage() {
  const { t } = useTranslation();
  return (
    <section data-testid="supplier-shipments">
      <h1 className="page-title">{t('supply.portal_shipments')}</h1>
      <p className="muted">{t('supply.portal_coming')}</p>
    </section>
  );
}
