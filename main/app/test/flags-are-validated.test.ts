import { describe, expect, it } from 'vitest';
import { defaultDataDir, FlagError, parseFlags } from '../flags.ts';

const env = { XDG_DATA_HOME: '/xdg/data' };

describe('the flags of npm start and npm run web', () => {
  it('default to a free port, the XDG data directory, the demo and opening a browser', () => {
    expect(parseFlags([], env)).toEqual({
      port: 0,
      dataDir: '/xdg/data/tusk',
      demo: true,
      open: true,
      help: false,
    });
  });

  it('take every flag of DESIGN.md, with a value after a space or an =', () => {
    expect(
      parseFlags(['--port', '8123', '--data-dir=/srv/tusk', '--no-demo', '--no-open'], env),
    ).toEqual({ port: 8123, dataDir: '/srv/tusk', demo: false, open: false, help: false });
    expect(parseFlags(['--port=0'], env).port).toBe(0);
  });

  it('fall back to ~/.local/share/tusk when XDG_DATA_HOME is unset or relative', () => {
    expect(defaultDataDir({}, '/home/ann')).toBe('/home/ann/.local/share/tusk');
    expect(defaultDataDir({ XDG_DATA_HOME: 'rel/dir' }, '/home/ann')).toBe(
      '/home/ann/.local/share/tusk',
    );
  });

  it.each([
    [['--verbose'], 'unknown flag --verbose'],
    [['open'], 'unexpected argument "open"'],
    [['--port'], '--port needs a value'],
    [['--port', '--no-demo'], '--port needs a value'],
    [['--port', 'eighty'], '--port must be a whole number from 0 to 65535 (got "eighty")'],
    [['--port', '70000'], '--port must be a whole number from 0 to 65535 (got "70000")'],
    [['--port=-1'], '--port must be a whole number from 0 to 65535 (got "-1")'],
    [['--port', '80.5'], '--port must be a whole number from 0 to 65535 (got "80.5")'],
    [['--data-dir='], '--data-dir must not be empty'],
    [['--no-demo=yes'], '--no-demo takes no value (got "yes")'],
  ])('refuse %j: %s', (argv, message) => {
    expect(() => parseFlags(argv, env)).toThrow(new FlagError(message));
  });
});
