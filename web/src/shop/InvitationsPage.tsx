import { Link, useParams } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import type { components } from '../api/schema.gen.js';
import { ErrorNote, Loading } from '../ui.js';
import { NeedSession } from './OrderPage.js';
import { useShopSession } from './session.js';

type MyInvitations = components['schemas']['MyInvitations'];

/** "My invitations": each running task, how many friends counted, who (names masked) and why some did not, and the buyer's points. */
export function InvitationsPage() {
  const { slug = '' } = useParams();
  const { t } = useTranslation();
  const session = useShopSession(slug);
  const mine = useQuery({ queryKey: ['invitations', session?.token ?? null], enabled: !!session, queryFn: ({ signal }) => api<MyInvitations>('/wallet/invitations', { token: session?.token, signal }) });
  if (!session) return <NeedSession slug={slug} />;
  if (mine.isPending) return <Loading />;
  if (mine.error) return <ErrorNote error={mine.error} />;
  return (
    <>
      <h1 className="page-title">{t('referrals.mine')}</h1>
      <p data-testid="my-points">{t('referrals.my_points', { count: mine.data.points })}</p>
      {mine.data.tasks.length === 0 && <p className="muted">{t('referrals.none_running')}</p>}
      {mine.data.tasks.map((task) => (
        <section key={task.id} className="card" data-testid="my-task">
          <h2 className="section-title">{task.name}</h2>
          <p className="muted small">{t('referrals.rule', { count: task.invites_required, reward: task.reward_kind === 'points' ? t('referrals.points', { count: task.reward_points ?? 0 }) : t('referrals.reward_coupon') })}</p>
          <progress max={task.invites_required} value={task.counted % task.invites_required} style={{ width: '100%' }} />
          <p data-testid="my-task-progress">{t('referrals.progress', { counted: task.counted % task.invites_required, required: task.invites_required })}</p>
          <ul className="summary-lines">
            {task.invitees.map((i, n) => (
              <li key={n}><span>{i.name}</span><span className={i.counted ? '' : 'muted small'}>{i.counted ? t('referrals.counted') : t(`referrals.reason_${i.reason ?? 'refunded'}`)}</span></li>
            ))}
          </ul>
        </section>
      ))}
      <Link to={`/s/${slug}/share`} className="button primary block" data-testid="invite-share">{t('referrals.share')}</Link>
    </>
  );
}
