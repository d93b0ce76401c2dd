import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { loadLanguage } from './i18n.js';
import './styles.css';
import { ApiError } from './api.js';

/** What both entries do on load: the stored language's messages, one query client, the app. */
export async function mount(app: ReactNode) {
  await loadLanguage();
  const queryClient = new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx answer will not change on retry; only network trouble and 5xx are worth another go.
        retry: (count, err) => count < 2 && !(err instanceof ApiError && err.status >= 400 && err.status < 500),
        refetchOnWindowFocus: false,
        staleTime: 10_000,
      },
      mutations: { retry: false },
    },
  });
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>{app}</QueryClientProvider>
    </StrictMode>,
  );
}
