import { useState, type FormEvent } from 'react';
import { useMutation, type UseMutationResult } from '@tanstack/react-query';
import { ApiError } from '../../api.js';
import { ErrorNote } from '../../ui.js';
import { adminApi, useAdminSession } from '../auth.js';
import { RejectionPanel } from './RejectionPanel.js';
import type { GuardRule } from './types.js';

type Guarded = { override?: { reason: string } };
interface Rejection<B> { body: B; rules: GuardRule[] }

/**
 * A create form whose POST the economics guard may reject: keeps the draft, turns a 422
 * `economics_rejected` into the failing rules, and resubmits the same body with an override.
 * Any edit starts over: the old verdict and its override no longer apply.
 */
export function useGuardedCreate<D, B extends Guarded, R>(opts: { empty: D; toBody: (d: D) => B | null; path: string; onCreated: (r: R) => Promise<void> }) {
  const [draft, setDraft] = useState<D>(opts.empty);
  const [rejected, setRejected] = useState<Rejection<B> | null>(null);
  const [created, setCreated] = useState<R | null>(null);
  const save = useMutation({
    mutationFn: (body: B) => adminApi<R>(opts.path, { method: 'POST', body }),
    onSuccess: async (result) => {
      setCreated(result);
      setRejected(null);
      setDraft(opts.empty);
      await opts.onCreated(result);
    },
    onError: (err, body) => {
      if (err instanceof ApiError && err.code === 'economics_rejected' && !body.override) {
        setRejected({ body, rules: (err.problem.rules as GuardRule[] | undefined) ?? [] });
      }
    },
  });
  const edit = (patch: Partial<D>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setRejected(null);
    setCreated(null);
    save.reset();
  };
  const body = opts.toBody(draft);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (body) save.mutate(body);
  };
  return { draft, edit, body, submit, save, rejected, created };
}

/** The guard's answer under the form: the rejection with its override box, or a plain error note. */
export function GuardOutcome<B extends Guarded, R>({ save, rejected, errorTestId }: { save: UseMutationResult<R, Error, B>; rejected: Rejection<B> | null; errorTestId: string }) {
  const session = useAdminSession();
  if (!rejected) return <ErrorNote error={save.error} testId={errorTestId} />;
  return (
    <RejectionPanel
      rules={rejected.rules}
      canOverride={session?.user.role === 'tenant_admin'}
      pending={save.isPending}
      error={save.variables?.override ? save.error : null}
      onOverride={(reason) => save.mutate({ ...rejected.body, override: { reason } })}
    />
  );
}
