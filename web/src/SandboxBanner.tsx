import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from './api.js';
import type { Meta } from './types.js';

/** The server's mode, asked once per page load. */
export function useServerMode() {
  return useQuery({ queryKey: ['meta'], queryFn: ({ signal }) => api<Meta>('/meta', { signal }), staleTime: Infinity });
}

/** A plain line on every screen of a sandbox server: nothing here is real money or a real message. */
export function SandboxBanner({ text }: { text: 'shop' | 'admin' }) {
  const { t } = useTranslation();
  const mode = useServerMode();
  if (mode.data?.mode !== 'sandbox') return null;
  return <div className="sandbox-banner" role="status" data-testid="sandbox-banner">{t(`sandbox.banner_${text}`)}</div>;
}
