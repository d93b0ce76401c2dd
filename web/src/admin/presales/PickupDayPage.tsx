import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { components } from '../../api/schema.gen.js';
import { parsePickupQr } from '../../pickup-qr.js';
import { ErrorNote, Field, formatTime, Loading } from '../../ui.js';
import { adminApi } from '../auth.js';
import { useMe } from '../access.js';
import { DocumentActions } from '../fulfilment/documents.js';
import { decodeQrFile } from './qr-decode.js';
import { QrScanner } from './QrScanner.js';

type PickupDay = components['schemas']['PickupDay'];
type PickupOrder = PickupDay['orders'][number];
type Verified = components['schemas']['PickupVerified'];
type Arrival = components['schemas']['ArrivalNotice'];
type BNode = components['schemas']['BNode'];

/** What identifies the order being handed out: the scanned QR, or the typed code (with the order when picked from the list). */
type Proof = { qr: string } | { code: string };

/**
 * The leader's day, on a phone: the goods arrived (tell the buyers), scan a buyer's QR or type the
 * six digits to hand out their order — all of it or some lines now, the rest later — and what is
 * still to hand out, by product and by buyer, to print or export.
 */
export function PickupDayPage() {
  const { t } = useTranslation();
  const me = useMe();
  const own = me?.b_node_id ?? null;
  const nodes = useQuery({ queryKey: ['admin', 'b-nodes'], queryFn: ({ signal }) => adminApi<{ items: BNode[] }>('/b-nodes', { signal }), enabled: !!me && own === null });
  const [picked, setPicked] = useState<string | null>(null);
  const nodeId = own ?? picked ?? nodes.data?.items[0]?.id ?? null;
  if (!me) return <Loading />;
  return (
    <section className="pickup-day" data-testid="pickup-day">
      <h1 className="page-title">{t('pickup_day.title')}</h1>
      {own === null && (
        <Field label={t('pickup.node')}>
          <select value={nodeId ?? ''} onChange={(e) => setPicked(e.target.value)} data-testid="pickup-day-node">
            {(nodes.data?.items ?? []).map((n) => <option key={n.id} value={n.id}>{n.name}</option>)}
          </select>
        </Field>
      )}
      {nodeId && <Workspace key={nodeId} nodeId={nodeId} own={own !== null} />}
    </section>
  );
}

function Workspace({ nodeId, own }: { nodeId: string; own: boolean }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  // No date: today in the tenant's calendar (the server decides); a date picked lists that day's arrivals.
  const [date, setDate] = useState('');
  const query = { ...(own ? {} : { b_node_id: nodeId }), ...(date ? { date } : {}) };
  const day = useQuery({ queryKey: ['admin', 'pickup-day', nodeId, date], queryFn: ({ signal }) => adminApi<PickupDay>('/pickup-day', { query, signal }), refetchInterval: 30_000 });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['admin', 'pickup-day', nodeId] });
  const [scanning, setScanning] = useState(false);
  const [code, setCode] = useState('');
  const [handing, setHanding] = useState<{ order: PickupOrder | null; proof: Proof | null } | null>(null);
  const [photoError, setPhotoError] = useState<string | null>(null);
  const [done, setDone] = useState<Verified | null>(null);
  const arrived = useMutation({ mutationFn: () => adminApi<Arrival>('/pickup-day/arrived', { body: own ? {} : { b_node_id: nodeId } }), onSuccess: () => void refresh() });

  const scanned = (text: string) => {
    setScanning(false);
    const read = parsePickupQr(text);
    if (!read) { setPhotoError(t('pickup_day.not_a_pickup_qr')); return; }
    setPhotoError(null);
    setHanding({ order: [...(day.data?.orders ?? []), ...(day.data?.earlier ?? [])].find((o) => o.order_id === read.orderId) ?? null, proof: { qr: text } });
  };
  const photo = async (file: File | undefined) => {
    if (!file) return;
    const text = await decodeQrFile(file).catch(() => null);
    if (text) scanned(text); else setPhotoError(t('pickup_day.no_qr_in_photo'));
  };

  if (day.isPending) return <Loading />;
  if (day.error) return <ErrorNote error={day.error} />;
  const d = day.data;
  const waiting = d.orders.filter((o) => o.arrived_at === null).length;
  return (
    <>
      <section className="card">
        <Field label={t('pickup_day.date')}>
          <input type="date" value={date || d.date} onChange={(e) => setDate(e.target.value)} data-testid="pickup-day-date" />
        </Field>
        {!d.today && <p className="small"><button type="button" className="link" onClick={() => setDate('')} data-testid="pickup-day-today">{t('pickup_day.back_to_today')}</button></p>}
        <p className="small">{d.b_node_name} · {d.pickup_address || '—'}{d.pickup_hours ? ` · ${d.pickup_hours}` : ''}</p>
        <p className="small" data-testid="pickup-day-summary">{t('pickup_day.summary', { orders: d.orders.length, units: d.by_product.reduce((a, p) => a + p.quantity, 0) })}</p>
        <button type="button" className="primary block" disabled={arrived.isPending || waiting === 0} onClick={() => arrived.mutate()} data-testid="announce-arrival">
          {t('pickup_day.announce', { count: waiting })}
        </button>
        {arrived.data && <p className="notice small" data-testid="arrival-result">{t('pickup_day.announced', { orders: arrived.data.orders, buyers: arrived.data.buyers, messages: arrived.data.messages })}</p>}
        <ErrorNote error={arrived.error} />
        <p className="muted small">{d.no_show.no_show_rule === 'refund' ? t('pickup_day.rule_refund', { days: d.no_show.no_show_days }) : t('pickup_day.rule_hold')}</p>
      </section>

      <section className="card verify-box">
        <h2 className="section-title">{t('pickup_day.verify')}</h2>
        {scanning ? <QrScanner onText={scanned} onClose={() => setScanning(false)} /> : (
          <button type="button" className="primary block" onClick={() => { setDone(null); setScanning(true); }} data-testid="scan-open">{t('pickup_day.scan')}</button>
        )}
        <label className="button block file-button">
          {t('pickup_day.from_photo')}
          <input type="file" accept="image/*" hidden onChange={(e) => void photo(e.target.files?.[0])} data-testid="scan-photo" />
        </label>
        {photoError && <p className="error small" data-testid="scan-error">{photoError}</p>}
        <form className="code-row" onSubmit={(e) => { e.preventDefault(); setDone(null); setHanding({ order: null, proof: { code } }); }}>
          <input inputMode="numeric" pattern="[0-9]{6}" maxLength={6} value={code} onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))} placeholder={t('pickup_day.code_placeholder')} aria-label={t('pickup_day.code_placeholder')} data-testid="code-input" />
          <button type="submit" disabled={code.length !== 6} data-testid="code-submit">{t('pickup_day.verify_code')}</button>
        </form>
        {handing && (
          <HandOut key={JSON.stringify(handing.proof) + (handing.order?.order_id ?? '')} nodeId={nodeId} own={own} order={handing.order} proof={handing.proof}
            onDone={(v) => { setHanding(null); setCode(''); setDone(v); void refresh(); }} onCancel={() => setHanding(null)} />
        )}
        {done && (
          <p className="notice" data-testid="verify-result">
            {done.completed ? t('pickup_day.completed', { number: done.number }) : t('pickup_day.partly', { number: done.number, left: done.lines.reduce((a, l) => a + l.quantity - l.picked, 0) })}
          </p>
        )}
      </section>

      <section className="card">
        <h2 className="section-title">{t('pickup_day.by_product')}</h2>
        {d.by_product.length === 0 ? <p className="muted small" data-testid="pickup-day-empty">{t('pickup_day.nothing')}</p> : (
          <ul className="plain-list" data-testid="by-product">
            {d.by_product.map((p) => (
              <li key={p.sku_id} className="row-between" data-testid="by-product-row">
                <span>{p.title}<span className="muted small"> · {t('pickup_day.buyers', { count: p.buyers })}</span></span>
                <strong>{p.quantity}{p.picked > 0 && <span className="muted small"> ({t('pickup_day.picked', { count: p.picked })})</span>}</strong>
              </li>
            ))}
          </ul>
        )}
        {own && <DocumentActions base="/pickup-day" name={`pickups-${d.b_node_name}-${d.date}`} receiptFirst params={date ? { date } : {}} />}
      </section>

      <section>
        <h2 className="section-title">{t('pickup_day.by_buyer')}</h2>
        <ul className="plain-list" data-testid="by-buyer">
          {d.orders.map((o) => <BuyerCard key={o.order_id} order={o} onHandOut={() => { setDone(null); setHanding({ order: o, proof: null }); }} />)}
        </ul>
      </section>

      {d.earlier.length > 0 && (
        <section data-testid="pickup-day-earlier">
          <h2 className="section-title">{t('pickup_day.earlier', { count: d.earlier.length })}</h2>
          <ul className="plain-list">
            {d.earlier.map((o) => <BuyerCard key={o.order_id} order={o} onHandOut={() => { setDone(null); setHanding({ order: o, proof: null }); }} />)}
          </ul>
        </section>
      )}
    </>
  );
}

/** One buyer's waiting order: what is left on each line, when it arrived, overdue or not. */
function BuyerCard({ order: o, onHandOut }: { order: PickupOrder; onHandOut: () => void }) {
  const { t, i18n } = useTranslation();
  return (
    <li className={o.overdue ? 'card overdue' : 'card'} data-testid="buyer-card" data-order-id={o.order_id}>
      <div className="row-between">
        <strong>{o.customer_name}{o.phone_tail && <span className="muted small"> ({o.phone_tail})</span>}</strong>
        <span className="tag">{o.arrived_at ? t('pickup_day.arrived_at', { time: formatTime(o.arrived_at, i18n.language) }) : t('pickup_day.not_arrived')}</span>
      </div>
      <p className="muted small">{o.number}{o.overdue && <span className="error"> · {t('pickup_day.overdue')}</span>}</p>
      <ul className="plain-list small">
        {o.lines.map((l) => <li key={l.line_no} className="row-between"><span>{l.title}</span><span>{l.picked > 0 ? `${l.picked}/` : ''}{l.quantity}</span></li>)}
      </ul>
      <button type="button" className="small" onClick={onHandOut} data-testid="hand-out">{t('pickup_day.hand_out')}</button>
    </li>
  );
}

/** Handing out one order: every line left by default, or fewer now (partial pickup); the typed code when not scanned. */
function HandOut({ nodeId, own, order, proof, onDone, onCancel }: { nodeId: string; own: boolean; order: PickupOrder | null; proof: Proof | null; onDone: (v: Verified) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const left = (order?.lines ?? []).map((l) => ({ ...l, left: l.quantity - l.picked })).filter((l) => l.left > 0);
  const [qty, setQty] = useState<Record<number, number>>(() => Object.fromEntries(left.map((l) => [l.line_no, l.left])));
  const [code, setCode] = useState(proof && 'code' in proof ? proof.code : '');
  const verify = useMutation({
    mutationFn: () => {
      const lines = order ? left.map((l) => ({ line_no: l.line_no, quantity: qty[l.line_no] ?? 0 })).filter((l) => l.quantity > 0) : undefined;
      const body = {
        ...(proof && 'qr' in proof ? { qr: proof.qr } : { code, ...(order ? { order_id: order.order_id } : {}) }),
        ...(lines ? { lines } : {}), ...(own ? {} : { b_node_id: nodeId }),
      };
      return adminApi<Verified>('/pickup-day/verify', { body });
    },
    onSuccess: onDone,
  });
  const needsCode = !proof || !('qr' in proof);
  return (
    <form className="card hand-out" data-testid="hand-out-panel" onSubmit={(e) => { e.preventDefault(); verify.mutate(); }}>
      {order ? <p><strong>{order.customer_name}</strong> <span className="muted small">{order.number}</span></p> : <p className="muted small">{t('pickup_day.whole_order')}</p>}
      {left.map((l) => (
        <label key={l.line_no} className="row-between small">
          <span>{l.title}</span>
          <input type="number" min={0} max={l.left} value={qty[l.line_no] ?? 0} onChange={(e) => setQty({ ...qty, [l.line_no]: Number(e.target.value) })} className="qty-input" data-testid="hand-out-qty" />
        </label>
      ))}
      {needsCode && (
        <input inputMode="numeric" maxLength={6} value={code} onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))} placeholder={t('pickup_day.code_placeholder')} data-testid="hand-out-code" />
      )}
      <ErrorNote error={verify.error} testId="verify-error" />
      <div className="row-between">
        <button type="button" onClick={onCancel}>{t('pickup_day.cancel')}</button>
        <button type="submit" className="primary" disabled={verify.isPending || (needsCode && code.length !== 6)} data-testid="hand-out-confirm">{t('pickup_day.confirm')}</button>
      </div>
    </form>
  );
}
