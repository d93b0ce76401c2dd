import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { readStored } from '../../storage.js';
import type { AdminSession } from '../../types.js';
import { ApiError } from '../../api.js';
import { ErrorNote } from '../../ui.js';

/** A document the API serves (print HTML, Excel), fetched with the session's token: links cannot carry it. */
async function fetchDocument(path: string): Promise<Response> {
  const session = readStored<AdminSession>('siyu.admin.session');
  const res = await fetch(`/api/v1${path}`, { headers: session?.token ? { authorization: `Bearer ${session.token}` } : {} });
  if (!res.ok) {
    const p = (await res.json().catch(() => ({}))) as Record<string, string>;
    throw new ApiError(res.status, p.code ?? `http_${res.status}`, p.detail ?? res.statusText, p.detail_zh ?? '');
  }
  return res;
}

/**
 * Prints the server's printable page in a hidden frame: the page's print rules come from this
 * origin's stylesheets, so the console's content security policy lets them apply.
 */
async function printDocument(path: string) {
  const html = await (await fetchDocument(path)).text();
  document.querySelector('iframe[data-print-frame]')?.remove();
  const frame = document.createElement('iframe');
  frame.dataset.printFrame = '';
  frame.title = 'print';
  frame.style.position = 'fixed';
  frame.style.width = '0';
  frame.style.height = '0';
  frame.style.border = '0';
  frame.srcdoc = html;
  frame.onload = () => frame.contentWindow?.print();
  document.body.appendChild(frame);
}

async function downloadDocument(path: string, name: string) {
  const blob = await (await fetchDocument(path)).blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Print (A4, 80 mm receipt) and Excel export of a purchase order or pick list. */
export function DocumentActions({ base, name, receiptFirst = false, params = {} }: { base: string; name: string; receiptFirst?: boolean; params?: Record<string, string> }) {
  const { t, i18n } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const lang = i18n.language.startsWith('zh') ? 'zh-CN' : 'en';
  const extra = Object.entries(params).map(([k, v]) => `&${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('');
  const run = (p: Promise<void>) => { setError(null); p.catch(setError); };
  const buttons = [
    <button key="a4" type="button" className="small" data-testid="print-a4" onClick={() => run(printDocument(`${base}/print?layout=a4&lang=${lang}${extra}`))}>{t('fulfilment.print_a4')}</button>,
    <button key="receipt" type="button" className="small" data-testid="print-receipt" onClick={() => run(printDocument(`${base}/print?layout=receipt&lang=${lang}${extra}`))}>{t('fulfilment.print_receipt')}</button>,
  ];
  return (
    <div className="inline" data-testid="document-actions">
      {receiptFirst ? buttons.reverse() : buttons}
      <button type="button" className="small" data-testid="export-excel" onClick={() => run(downloadDocument(extra ? `${base}/export.xlsx?${extra.slice(1)}` : `${base}/export.xlsx`, `${name}.xlsx`))}>{t('fulfilment.export_excel')}</button>
      <ErrorNote error={error} />
    </div>
  );
}
