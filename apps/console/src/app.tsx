// The console's frame: sign-in until there is a session, then the navigation, the theme
// switch and the view the URL's fragment names.
import { useEffect, useState } from 'react';
import { clearSession, loadSession, type Session } from './auth/session';
import { SignInView } from './auth/sign-in.view';
import { LiveFeedView } from './live/live-feed.view';
import { PrincipalView } from './principal/principal.view';
import { RequestView } from './request/request.view';
import { href, useRoute, type Route } from './routing/hash-router';
import { SearchView } from './search/search.view';
import { BlastRadiusView } from './token/blast-radius.view';

type Theme = 'light' | 'dark';
const THEME_KEY = 'provenant.console.theme';

function useTheme(): [Theme, () => void] {
  const [theme, setTheme] = useState<Theme>(() => {
    const saved = localStorage.getItem(THEME_KEY);
    if (saved === 'light' || saved === 'dark') return saved;
    return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  });
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem(THEME_KEY, theme);
  }, [theme]);
  return [theme, () => setTheme((t) => (t === 'dark' ? 'light' : 'dark'))];
}

function View({ route, session }: { route: Route; session: Session }) {
  switch (route.view) {
    case 'request':
      return <RequestView key={route.rest} session={session} requestId={route.rest} />;
    case 'principal':
      return (
        <PrincipalView
          session={session}
          tenant={route.params.get('tenant') ?? ''}
          issuer={route.params.get('issuer') ?? ''}
          id={route.params.get('id') ?? ''}
        />
      );
    case 'token':
      return <BlastRadiusView session={session} params={route.params} />;
    case 'live':
      return <LiveFeedView session={session} />;
    default:
      return <SearchView session={session} params={route.params} />;
  }
}

export function App() {
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const [theme, toggleTheme] = useTheme();
  const route = useRoute();
  const themeButton = (
    <button
      type="button"
      onClick={toggleTheme}
      data-testid="theme-toggle"
      aria-pressed={theme === 'dark'}
    >
      {theme === 'dark' ? 'Light theme' : 'Dark theme'}
    </button>
  );
  if (!session)
    return (
      <>
        <div className="topbar">{themeButton}</div>
        <SignInView onSignedIn={setSession} />
      </>
    );
  const current = (view: string) => (route.view === view ? 'page' : undefined);
  return (
    <>
      <a
        className="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <nav className="topbar" aria-label="main">
        <strong className="brand">Provenant</strong>
        <a href={href.search()} aria-current={current('search')}>
          Search
        </a>
        <a href={href.live()} aria-current={current('live')} data-testid="nav-live">
          Live anomalies
        </a>
        <span className="spacer" />
        <span className="who" data-testid="signed-in-as">
          {session.claims.sub} · {session.claims.tenants.join(', ')} ·{' '}
          {session.claims.roles.join(', ')}
        </span>
        {themeButton}
        <button
          type="button"
          onClick={() => {
            clearSession();
            setSession(null);
          }}
        >
          Sign out
        </button>
      </nav>
      <main id="main" tabIndex={-1}>
        <View route={route} session={session} />
      </main>
    </>
  );
}
