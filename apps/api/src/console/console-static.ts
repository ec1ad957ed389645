// Serves the investigator console (apps/console, built to dist/console) under /console as
// static files, outside the GraphQL schema and the auth guard: the files hold no data; every
// answer the console shows comes from the API with the user's own token. A strict content
// security policy goes with every response under /console: scripts, styles and connections
// from this origin only (the live feed's WebSocket included), no inline script or style
// element, no framing, no plugins, no form posts elsewhere.
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const CONSOLE_PATH = '/console';

/** A Host header we repeat in the policy only when it is a plain host[:port]. */
const PLAIN_HOST = /^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/;

export function consoleSecurityPolicy(host: string | undefined): string {
  // 'self' covers ws: and wss: of this origin in CSP 3; browsers that predate it get the
  // host spelled out.
  const sockets = host && PLAIN_HOST.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${sockets}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

function securityHeaders(req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Content-Security-Policy', consoleSecurityPolicy(req.headers.host));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  next();
}

/** The built console next to the compiled API (dist/apps/api/src → dist/console). */
export const defaultConsoleDir = (): string => join(__dirname, '..', '..', '..', '..', 'console');

export function serveConsole(app: NestExpressApplication, dir = defaultConsoleDir()): boolean {
  app.use(CONSOLE_PATH, securityHeaders);
  if (!existsSync(join(dir, 'index.html'))) {
    app.use(CONSOLE_PATH, (_req: Request, res: Response) => {
      res.status(404).type('text/plain').send('The console is not built: run `npm run build`.\n');
    });
    return false;
  }
  app.useStaticAssets(dir, {
    prefix: CONSOLE_PATH,
    index: 'index.html',
    // The hashed assets never change; index.html always names the current ones.
    setHeaders: (res: Response, path: string) =>
      res.setHeader(
        'Cache-Control',
        path.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
      ),
  });
  return true;
}
