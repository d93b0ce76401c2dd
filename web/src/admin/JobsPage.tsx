import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Job } from '../types.js';
import { ErrorNote, Loading, formatTime } from '../ui.js';
import { adminApi } from './auth.js';

/** The tenant's failed background jobs (retrying or parked), each with a retry button. */
export function JobsPage() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const list = useQuery({
    queryKey: ['admin', 'jobs', 'failed'],
    queryFn: ({ signal }) => adminApi<{ items: Job[] }>('/jobs', { query: { state: 'failed' }, signal }),
  });
  const retry = useMutation({
    mutationFn: (id: string) => adminApi<void>(`/jobs/${id}/retry`, { method: 'POST' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin', 'jobs'] }),
  });
  return (
    <section>
      <h1 className="page-title">{t('jobs.title')}</h1>
      <p className="muted small">{t('jobs.hint')}</p>
      {retry.error ? <ErrorNote error={retry.error} testId="jobs-retry-error" /> : null}
      {list.isPending ? <Loading /> : list.error ? <ErrorNote error={list.error} /> : list.data.items.length === 0 ? (
        <p className="muted" data-testid="jobs-empty">{t('jobs.none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="jobs-table">
            <thead>
              <tr>
                <th>{t('jobs.col_id')}</th>
                <th>{t('jobs.col_kind')}</th>
                <th>{t('jobs.col_state')}</th>
                <th className="num">{t('jobs.col_attempts')}</th>
                <th>{t('jobs.col_run_at')}</th>
                <th>{t('jobs.col_error')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((job) => (
                <tr key={job.id} data-testid={`job-${job.id}`} data-state={job.state}>
                  <td>{job.id}</td>
                  <td data-testid="job-kind"><code>{job.kind}</code></td>
                  <td data-testid="job-state">{t(`jobs.state.${job.state}`)}</td>
                  <td className="num" data-testid="job-attempts">{job.attempts}/{job.max_attempts}</td>
                  {/* A parked job has no next run until someone retries it. */}
                  <td data-testid="job-run-at">{job.state === 'parked' ? '—' : formatTime(String(job.run_at), i18n.language)}</td>
                  <td className="small" data-testid="job-error">{job.last_error?.split('\n')[0]}</td>
                  <td>
                    <button type="button" disabled={retry.isPending || job.state === 'running'} onClick={() => retry.mutate(job.id)} data-testid={`job-retry-${job.id}`}>
                      {t('jobs.retry')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
