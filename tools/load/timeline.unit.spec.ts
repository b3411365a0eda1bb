import { lagFromExpositions, plotSvg, Timeline, usagePlotSvg } from './timeline';

describe('the load run timeline', () => {
  it('closes one sample per second with its percentiles and errors', () => {
    const timeline = new Timeline();
    for (let ms = 1; ms <= 100; ms++) timeline.record(ms, ms % 10 !== 0);
    const first = timeline.tick(1, 100, 5);
    expect(first).toEqual({
      second: 1,
      targetRate: 100,
      requests: 100,
      errors: 10,
      p50Ms: 50,
      p99Ms: 99,
      lag: 5,
    });
    expect(timeline.tick(2, 100, null)).toMatchObject({ requests: 0, errors: 0, p50Ms: 0, p99Ms: 0 });
  });

  it('sums lag over partitions, counting a partition two apps report once (its largest value)', () => {
    const a = [
      '# HELP messaging_consumer_lag ...',
      'messaging_consumer_lag{topic="order.events",partition="0",group="analytics",service="analytics-ingest"} 7',
      'messaging_consumer_lag{topic="order.events",partition="1",group="analytics",service="analytics-ingest"} 3',
    ].join('\n');
    const b =
      'messaging_consumer_lag{topic="order.events",partition="0",group="analytics",service="analytics-ingest"} 2';
    expect(lagFromExpositions([a, b])).toBe(10);
    expect(lagFromExpositions(['http_requests_total 3'])).toBeNull();
  });

  it('plots latency and lag as a standalone SVG', () => {
    const svg = plotSvg(
      [
        { second: 1, targetRate: 10, requests: 10, errors: 0, p50Ms: 5, p99Ms: 20, lag: 0 },
        { second: 2, targetRate: 10, requests: 10, errors: 1, p50Ms: 6, p99Ms: 40, lag: 12 },
      ],
      'checkout <10/s>',
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(3);
    expect(svg).toContain('checkout &#60;10/s&#62;');
    expect(svg).not.toMatch(/NaN|undefined/);
  });
});

describe('the CPU plot', () => {
  it('draws one line per process group, the group that used most first in the legend', () => {
    const svg = usagePlotSvg(
      [
        {
          minute: 1,
          seconds: 60,
          usage: [
            { group: 'kafka', cpuSeconds: 6, rssBytes: 1 },
            { group: 'a<b', cpuSeconds: 30, rssBytes: 1 },
          ],
        },
        {
          minute: 2,
          seconds: 60,
          usage: [
            { group: 'kafka', cpuSeconds: 9, rssBytes: 1 },
            { group: 'a<b', cpuSeconds: 24, rssBytes: 1 },
          ],
        },
      ],
      'cpu',
    );
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg.indexOf('a&#60;b')).toBeLessThan(svg.indexOf('>kafka<'));
  });
});
