/** The session over a slow (paced) link: control and PROCESS round trips are timed apart. */
import { expect } from 'chai';

import { Prng } from '../core/prng.ts';
import { pacedLink } from '../transport/pacing-link.ts';
import { FakeDevice } from './fake-device.ts';
import { Session } from './session.ts';

describe('Session over a 115200-baud link', function () {
  this.timeout(30_000);

  for (const window of [1, 8]) {
    it(`a timeout learnt from short control round trips does not fire on the first PROCESS (window ${window})`, async () => {
      // RESET + OK cross 115200 baud in ~4 ms; PROCESS + RESULT take ~80 ms (447 + 459 bytes).
      // With one estimator the RESETs teach the 20 ms floor and the first PROCESS is re-sent.
      const dev = new FakeDevice();
      const link = pacedLink(dev.hostLink, { baud: 115_200 });
      const s = await Session.open(link, { target: 'fake:paced', window, rtoMs: 1000, minRtoMs: 20 });
      try {
        for (let i = 0; i < 4; i++) await s.reset();
        const before = s.linkStats;
        const input = new Prng(3).int16(160 * window);
        const r = await s.stream(input);
        expect(r.frames).to.equal(window);
        const st = s.linkStats;
        expect(st.timeouts - before.timeouts, 'timeouts').to.equal(0);
        expect(st.resentLines - before.resentLines, 're-sent lines').to.equal(0);
        expect(st.srttMs).to.be.above(40); // the PROCESS estimate, not the RESETs'
      } finally {
        await s.close();
      }
    });
  }
});
