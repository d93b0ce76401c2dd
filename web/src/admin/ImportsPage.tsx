import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { components } from '../api/schema.gen.js';
import { ApiError } from '../api.js';
import { readStored } from '../storage.js';
import type { AdminSession } from '../types.js';
import { ErrorNote } from '../ui.js';
import { adminApi } from './auth.js';

type ImportRun = components['schemas']['ImportRun'];
type Kind = components['schemas']['ImportKind'];
type Mode = components['schemas']['ImportMode'];

const SESSION_KEY = 'siyu.admin.session';
const token = () => readStored<AdminSession>(SESSION_KEY)?.token;

/** The raw file as the body: the server tells CSV from .xlsx by its bytes. */
async function upload(kind: Kind, mode: Mode, file: File): Promise<ImportRun> {
  const q = new URLSearchParams({ kind, mode, file_name: file.name.slice(0, 200) });
  const xlsx = /\.xlsx$/i.test(file.name);
  const res = await fetch(`/api/v1/imports?${q.toString()}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token() ?? ''}`, 'content-type': xlsx ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv', accept: 'application/json, application/problem+json' },
    body: file,
  });
  const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw new ApiError(res.status, String(data.code ?? `http_${res.status}`), String(data.detail ?? res.statusText), String(data.detail_zh ?? ''), data);
  return data as unknown as ImportRun;
}

/** Downloads an export or template with the session's token (a plain link would carry none). */
async function download(path: string, name: string) {
  const res = await fetch(`/api/v1${path}`, { headers: { authorization: `Bearer ${token() ?? ''}` } });
  if (!res.ok) throw new ApiError(res.status, `http_${res.status}`, res.statusText, '');
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Catalog and stock files: upload (CSV or Excel), a progress bar fed by polling the run while the
 * server works in the background, then the row-level report; exports and templates to download.
 */
export function ImportsPage() {
  const { t, i18n } = useTranslation();
  const [kind, setKind] = useState<Kind>('catalog');
  const [mode, setMode] = useState<Mode>('all_or_nothing');
  const [file, setFile] = useState<File | null>(null);
  const [runId, setRunId] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const zh = i18n.language.startsWith('zh');

  const run = useQuery({
    queryKey: ['admin', 'imports', runId],
    queryFn: ({ signal }) => adminApi<ImportRun>(`/imports/${runId}`, { signal }),
    enabled: runId !== null,
    refetchInterval: (q) => (q.state.data && ['queued', 'running'].includes(q.state.data.status) ? 400 : false),
  });

  const start = async () => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const started = await upload(kind, mode, file);
      setRunId(started.id);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const get = (path: string, name: string) => { download(path, name).catch(setError); };
  const r = run.data;

  return (
    <section>
      <h1 className="page-title">{t('imports.title')}</h1>
      <p className="muted small">{t('imports.hint')}</p>
      <div className="card stack" data-testid="import-form">
        <label className="field">
          <span>{t('imports.kind')}</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as Kind)} data-testid="import-kind">
            <option value="catalog">{t('imports.kind_catalog')}</option>
            <option value="stock">{t('imports.kind_stock')}</option>
            <option value="assortment">{t('imports.kind_assortment')}</option>
          </select>
        </label>
        <fieldset className="choices">
          <legend>{t('imports.mode')}</legend>
          <label><input type="radio" name="mode" checked={mode === 'all_or_nothing'} onChange={() => setMode('all_or_nothing')} data-testid="mode-all" /> {t('imports.mode_all')}</label>
          <label><input type="radio" name="mode" checked={mode === 'good_rows'} onChange={() => setMode('good_rows')} data-testid="mode-good" /> {t('imports.mode_good')}</label>
        </fieldset>
        <label className="field">
          <span>{t('imports.file')}</span>
          <input type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="import-file" />
        </label>
        <div className="toolbar">
          <button type="button" className="primary" disabled={!file || busy} onClick={() => void start()} data-testid="import-start">{t('imports.start')}</button>
          <button type="button" onClick={() => get(`/exports/template?kind=${kind}&format=xlsx`, `${kind}-template.xlsx`)} data-testid="template-xlsx">{t('imports.template')} (Excel)</button>
          <button type="button" onClick={() => get(`/exports/template?kind=${kind}&format=csv`, `${kind}-template.csv`)}>{t('imports.template')} (CSV)</button>
          <button type="button" onClick={() => get(`/exports?kind=${kind}&format=xlsx`, `${kind}.xlsx`)} data-testid="export-xlsx">{t('imports.export')} (Excel)</button>
          <button type="button" onClick={() => get(`/exports?kind=${kind}&format=csv`, `${kind}.csv`)} data-testid="export-csv">{t('imports.export')} (CSV)</button>
        </div>
      </div>
      {error ? <ErrorNote error={error} testId="import-error" /> : null}
      {run.error ? <ErrorNote error={run.error} /> : null}
      {r && (
        <div className="card stack" data-testid="import-run" data-status={r.status}>
          <div className="toolbar">
            <strong>{r.file_name || r.id}</strong>
            <span data-testid="import-status">{t(`imports.status.${r.status}`)}</span>
            <span className="muted small">{t(`imports.phase.${r.phase}`)}</span>
          </div>
          <progress max={100} value={r.percent} data-testid="import-progress" aria-label={t('imports.progress')} />
          <p data-testid="import-summary">
            {t('imports.summary', { applied: r.rows_applied, total: r.rows_total ?? r.rows_done, problems: r.problem_count })}
          </p>
          {r.status === 'rejected' && <p className="error small" data-testid="import-rejected">{t('imports.rejected')}</p>}
          {r.problems.length > 0 && (
            <div className="table-wrap">
              <table className="table" data-testid="import-report">
                <thead><tr><th className="num">{t('imports.col_line')}</th><th>{t('imports.col_column')}</th><th>{t('imports.col_reason')}</th><th>{t('imports.col_value')}</th></tr></thead>
                <tbody>
                  {r.problems.map((p, i) => (
                    <tr key={`${p.line}-${p.column}-${i}`} data-testid="import-problem" data-line={p.line} data-column={p.column} data-code={p.code}>
                      <td className="num">{p.line}</td>
                      <td><code>{p.column}</code></td>
                      <td>{zh ? p.reason_zh : p.reason}</td>
                      <td className="small">{p.value ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {r.problem_count > r.problems.length && <p className="muted small">{t('imports.more', { count: r.problem_count - r.problems.length })}</p>}
            </div>
          )}
        </div>
      )}
    </section>
  );
}
