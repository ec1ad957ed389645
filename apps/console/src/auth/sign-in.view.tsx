// Sign in by pasting a token; in development, the API also offers to mint one with its
// development key for a tenant and role picked here (it offers nothing in production).
import { useEffect, useState, type FormEvent } from 'react';
import { saveSession, type Session } from './session';

interface DevOptions {
  tenants: string[];
  roles: string[];
}

function DevSignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [options, setOptions] = useState<DevOptions | null>(null);
  const [tenant, setTenant] = useState('');
  const [error, setError] = useState<string>();
  useEffect(() => {
    fetch('/v1/dev/sign-in')
      .then(async (response) => (response.ok ? ((await response.json()) as DevOptions) : null))
      .then((found) => {
        setOptions(found);
        if (found?.tenants.length) setTenant(found.tenants[0]);
      })
      .catch(() => setOptions(null));
  }, []);
  if (!options) return null;
  const signIn = async (roles: string[]) => {
    setError(undefined);
    const response = await fetch('/v1/dev/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenants: [tenant], roles }),
    });
    if (!response.ok) return setError(`the API refused: ${response.status}`);
    const { token } = (await response.json()) as { token: string };
    const session = saveSession(token);
    if (session) onSignedIn(session);
  };
  return (
    <section className="card" aria-labelledby="dev-h" data-testid="dev-sign-in">
      <h2 id="dev-h">Development sign-in</h2>
      <p className="muted">
        This API runs in development: it signs a token with its local development key for the tenant
        and role you pick.
      </p>
      <label>
        Tenant{' '}
        <input
          list="dev-tenants"
          value={tenant}
          onChange={(e) => setTenant(e.target.value)}
          data-testid="dev-tenant"
        />
        <datalist id="dev-tenants">
          {options.tenants.map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
      </label>
      <div className="toolbar">
        {options.roles.map((role) => (
          <button
            key={role}
            type="button"
            disabled={!tenant}
            onClick={() => void signIn([role])}
            data-testid={`dev-role-${role}`}
          >
            as {role}
          </button>
        ))}
        <button
          type="button"
          disabled={!tenant}
          onClick={() => void signIn(options.roles)}
          data-testid="dev-role-all"
        >
          with every role
        </button>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </section>
  );
}

export function SignInView({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const session = saveSession(token);
    if (!session) return setError('That is not a JWT (three base64url parts).');
    onSignedIn(session);
  };
  return (
    <main className="sign-in" id="main">
      <h1>Provenant console</h1>
      <p>Who acted on whose behalf: sign in with your API token.</p>
      <form className="card" onSubmit={submit} aria-labelledby="paste-h">
        <h2 id="paste-h">Paste a token</h2>
        <label htmlFor="token">Bearer token (JWT)</label>
        <textarea
          id="token"
          rows={4}
          value={token}
          onChange={(e) => setToken(e.target.value)}
          spellCheck={false}
          autoComplete="off"
          data-testid="token-input"
        />
        <button type="submit" data-testid="sign-in">
          Sign in
        </button>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
      </form>
      <DevSignIn onSignedIn={onSignedIn} />
    </main>
  );
}
