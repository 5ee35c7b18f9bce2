import { TuskError } from '../../machines/errors.ts';

// What libsecret/GDBus say when there is no session bus, or nothing on it answers for
// org.freedesktop.secrets.
const unreachable =
  /autolaunch|DBUS_SESSION_BUS_ADDRESS|Could not connect|Failed to connect|Error spawning|ServiceUnknown|NoServer|not provided by any/i;
// A keyring daemon that answers but has no usable default collection (none created, locked,
// or an unlock prompt that could not be shown).
const locked = /locked|collection\/login|Object does not exist at path|prompt|dismissed/i;

const installHint =
  'Run Tusk inside a desktop session (GNOME, KDE, ...), or install and start a keyring: ' +
  'on Debian/Ubuntu `apt install gnome-keyring dbus-user-session`, then log in again ' +
  '(headless: `dbus-run-session -- sh -c "echo <keyring password> | gnome-keyring-daemon --unlock --components=secrets; <command>"`).';
const unlockHint =
  'Unlock the login keyring (log in to the desktop session, or use Seahorse / `gnome-keyring-daemon --unlock`), ' +
  'or create a default keyring if there is none.';

/**
 * Turns a keytar failure into a Storage TuskError that says what is missing and how to fix
 * it. `secret`, when given, is cut out of every text the error carries.
 */
export function keyringError(action: string, error: unknown, secret?: string): TuskError {
  const raw = error instanceof Error ? error.message : String(error);
  const detail = secret ? raw.split(secret).join('[redacted]') : raw;
  const cause = detail === raw ? error : undefined;
  if (unreachable.test(detail)) {
    return new TuskError(
      {
        kind: 'Storage',
        code: 'KEYRING_UNAVAILABLE',
        message: `Cannot ${action}: no Secret Service is reachable (${detail}). Tusk keeps passwords in the system keyring, which needs a D-Bus session bus and a keyring daemon such as gnome-keyring. ${installHint}`,
        hint: installHint,
      },
      { cause },
    );
  }
  if (locked.test(detail)) {
    return new TuskError(
      {
        kind: 'Storage',
        code: 'KEYRING_LOCKED',
        message: `Cannot ${action}: the system keyring is locked or has no default collection (${detail}). ${unlockHint}`,
        hint: unlockHint,
      },
      { cause },
    );
  }
  return new TuskError(
    { kind: 'Storage', code: 'KEYRING_FAILED', message: `Cannot ${action}: ${detail}` },
    { cause },
  );
}

export function keytarMissing(error: unknown): TuskError {
  const detail = error instanceof Error ? error.message : String(error);
  const hint =
    'keytar needs libsecret: on Debian/Ubuntu `apt install libsecret-1-0`, on Fedora `dnf install libsecret`, then reinstall Tusk.';
  return new TuskError(
    {
      kind: 'Storage',
      code: 'KEYRING_UNAVAILABLE',
      message: `The system keyring library (keytar) could not be loaded (${detail}). ${hint}`,
      hint,
    },
    { cause: error },
  );
}
