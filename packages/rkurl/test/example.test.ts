// The README usage example, with RkURL/RkURLSearchParams standing for the globals they are installed as.
import { expect, it } from 'vitest';
import { RkURL as URL, RkURLSearchParams as URLSearchParams } from '../src/index';

it('README example', () => {
  const u = new URL('../c?x=1#top', 'https://example.com/a/b');
  expect(u.href).toBe('https://example.com/c?x=1#top');
  u.searchParams.append('y', 'a b');
  expect(u.search).toBe('?x=1&y=a+b');
  expect(new URLSearchParams({ q: 'é' }).toString()).toBe('q=%C3%A9');
});
