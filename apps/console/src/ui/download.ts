/** Saves text as a file the user downloads (a Blob URL: nothing leaves the browser). */
export function download(filename: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name that is safe whatever the request id holds. */
export const safeName = (text: string): string =>
  text.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100);
