import { SignedNoteError } from './signed-note';

/**
 * A transparency-log checkpoint's text (c2sp.org/tlog-checkpoint): the log's origin, the tree
 * size in decimal, the root hash in base64, each on its own line.
 */
export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
}

export const formatCheckpoint = ({ origin, size, root }: Checkpoint): string =>
  `${origin}\n${size}\n${root.toString('base64')}\n`;

export function parseCheckpoint(text: string): Checkpoint {
  const [origin, size, root] = text.split('\n');
  const hash = Buffer.from(root ?? '', 'base64');
  if (!origin || !/^(0|[1-9][0-9]{0,15})$/.test(size ?? '') || hash.length !== 32)
    throw new SignedNoteError('malformed checkpoint');
  return { origin, size: Number(size), root: hash };
}
