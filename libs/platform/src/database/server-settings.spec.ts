import { EXPECTED_SERVER_SETTINGS, settingWarnings } from './server-settings.js';

const asExpected = () => new Map(EXPECTED_SERVER_SETTINGS.map((e) => [e.name, e.expected]));

describe('the PostgreSQL settings the product expects', () => {
  it('says nothing when every setting is as expected', () => {
    expect(settingWarnings(asExpected())).toEqual([]);
  });

  it('says one line per setting that is off, naming it, its value, the expected one and why', () => {
    const actual = asExpected().set('autovacuum', 'off').set('synchronous_commit', 'local');
    expect(settingWarnings(actual)).toEqual([
      expect.stringMatching(/^PostgreSQL synchronous_commit is local, expected on: .*accepted \(202\)/),
      expect.stringMatching(/^PostgreSQL autovacuum is off, expected on: .*never reclaimed/),
    ]);
  });

  it('says nothing of a setting the server does not have', () => {
    const actual = asExpected();
    actual.delete('plan_cache_mode');
    expect(settingWarnings(actual)).toEqual([]);
  });
});
