// A Workers consumer (the `workerd` condition): the package instantiates its module from the
// imported .wasm at module scope, so validate works with no init call. It runs the fixture
// cases it is sent (a fixture file's text) with every input form, inside workerd.
import * as api from "matrix-pusher-validator";
import { runFile } from "../compare.mjs";

export default {
  async fetch(request) {
    const cases = await request.json();
    return Response.json({ failures: runFile(api, cases) });
  },
};
