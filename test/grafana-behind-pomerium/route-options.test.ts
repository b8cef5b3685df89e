import { seedProps } from './fixtures';
import { GrafanaBehindPomerium } from '../../src';
import { refusalOf } from '../support/refusal';
import { synth } from '../support/synth';

describe('route options reach the Pomerium route as booleans and durations, or stop synth', () => {
  test('allowWebsockets: true by default (Grafana Live), false when asked', () => {
    const on = synth((chart) => new GrafanaBehindPomerium(chart, 'grafana', seedProps())).result;
    const off = synth((chart) => new GrafanaBehindPomerium(chart, 'grafana', seedProps({ route: { allowWebsockets: false } }))).result;
    expect(on.pomeriumRoute.allow_websockets).toBe(true);
    expect(off.pomeriumRoute.allow_websockets).toBe(false);
    // The quick start's own release writes the route into its Helm values as given.
    const values = on.pomerium.helmValues as any;
    expect(values.config.routes[0].allow_websockets).toBe(true);
  });

  test("a string 'yes' is refused, not written into the route (Pomerium reads allow_websockets as a bool)", () => {
    refusalOf(() => synth((chart) => new GrafanaBehindPomerium(chart, 'grafana', seedProps({ route: { allowWebsockets: 'yes' as any } }))), {
      owner: "GrafanaBehindPomerium at 'test/grafana'", prop: 'route.allowWebsockets', value: 'yes',
    });
  });
});
