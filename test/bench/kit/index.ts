// Emulator kit: the parts every cloud emulator in test/bench shares (AWS uses it; Huawei IoTDA and
// Alibaba IoT build on it). How to build an emulator on it:
//
//   1. HTTP: `startEmulatorServer({ name, faults, serve, sendError, faultError, state })`.
//      - serve(ex): read `ex.body()` (the exact bytes; check the signature over them), set
//        `ex.service`/`ex.action`, then `if (await ex.fault()) return;` BEFORE the action, then
//        run the action and write the reply to `ex.res`. Route with `route()` + `matchRoute()`.
//      - sendError(ex, e): write any thrown error in your cloud's shape (IoTDA {error_code,
//        error_msg}; Alibaba {Code, Message, RequestId}); map ProblemError here too. Use
//        `ex.requestId` as the cloud's request id (the kit already sends X-Request-Id).
//      - faultError(kind, ex): your cloud's throttle ('throttle') and server error ('error').
//   2. Faults: `faults.throttleNext/failNext/dropNext/loseReplyNext/hangNext/delayNext(n, filter)`
//      or `faults.schedule({ seed, rates: { throttle: .05, 'lose-reply': .02 } })`; filters by
//      service/action/method/pathPrefix; counts in `faults.counts` and `faults.byAction`. The same
//      over HTTP: POST/GET/DELETE <url>/__admin/faults; GET <url>/__admin/state calls state().
//   3. Validation: `checkString/checkInt/checkIntText/checkEnum/checkList/checkRequired` return a
//      Problem or undefined, `new Fields()` collects them and `.assert()` throws ProblemError;
//      word the problems as your cloud does in sendError.
//   4. Paging: `tokenPage` (AWS nextToken), `markerPage` (IoTDA limit/marker/offset),
//      `numberPage` (Alibaba CurrentPage/PageSize, per-action max) over the filtered, ordered list.
//   5. Devices: `startBroker({ authenticate, authorizePublish, authorizeSubscribe, onPublish })`
//      → { url, publish(topic, obj), clients(), close() }; `topicParams`/`topicMatches` for topics.
//
// Tests: test/unit/emulator-kit.test.ts. Example: test/bench/aws-emulator/server.ts.

export { BodyTooLarge, readBody } from './body';
export { listenLoopback } from './listen';
export { FAULT_KINDS, Faults, seededRandom, type FaultFilter, type FaultHit, type FaultKind, type FaultSchedule, type FaultTarget } from './faults';
export { startBroker, topicMatches, topicParams, type Broker, type BrokerOptions } from './mqtt';
export { MARKER_PAGING, markerPage, numberPage, tokenPage, type MarkerPageInput, type NumberPageInput, type NumberPageRules, type TokenPageInput } from './paging';
export { Exchange, matchRoute, route, startEmulatorServer, type EmulatorServer, type EmulatorServerOptions, type RequestRecord, type Route } from './server';
export {
  checkEnum,
  checkInt,
  checkIntText,
  checkList,
  checkNumber,
  checkRequired,
  checkString,
  describe as describeProblem,
  Fields,
  isMissing,
  isObject,
  ProblemError,
  type Problem,
  type ProblemKind,
  type Range,
  type StringRule,
} from './validate';
