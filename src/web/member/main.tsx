import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { queryClient, restoreKept } from './query.ts';
import { readSucceeded, startOutbox } from './outbox.ts';
import './mutations.ts';
import './styles.css';

const container = document.getElementById('root');
if (container) {
  // The answers kept on the phone go back into the cache first (a moment: localStorage is
  // synchronous), so the first screen shows them even without signal.
  void restoreKept().finally(() => {
    // The writes waiting on the phone (outbox.ts) go out now and whenever the signal returns; a read
    // from the server that went through says it has (and that the session is good).
    startOutbox();
    queryClient.getQueryCache().subscribe((event) => {
      if (event.type === 'updated' && event.action.type === 'success' && !event.action.manual) readSucceeded();
    });
    // 待发送 is opened when there is no signal: its screen is fetched while there is, after the first one.
    window.setTimeout(() => void import('./screens/Outbox.tsx').catch(() => undefined), 3_000);
    createRoot(container).render(
      <StrictMode>
        <QueryClientProvider client={queryClient}>
          <App />
        </QueryClientProvider>
      </StrictMode>,
    );
  });
}

// The service worker keeps the app shell on the phone so it opens without signal. Only in builds:
// in development it would serve stale files.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register(import.meta.env.BASE_URL + 'sw.js', { scope: import.meta.env.BASE_URL }).catch(() => {
      // Not fatal: the app works online without it (some WeChat versions refuse service workers).
    });
  });
}
