// Fault switches and the request log, for tests that need a misbehaving identity service on demand.
// Faults apply to /scim/v2 requests only; the control API and the token endpoint always answer.
import { performance } from "node:perf_hooks";
import SCIMMY from "scimmy";

const counters = ["latencyMs", "fail503", "fail429", "drop", "truncate"];
const optionalSeconds = ["fail503RetryAfterSeconds", "fail429RetryAfterSeconds"];

export const noFaults = () => ({
    latencyMs: 0,
    fail503: 0,
    fail503RetryAfterSeconds: null,
    fail429: 0,
    fail429RetryAfterSeconds: 1,
    drop: 0,
    truncate: 0,
    conflictUserNames: [],
    rejectUserNames: {},
});

const isCount = (value) => Number.isInteger(value) && value >= 0;

/** The faults a PUT /_control/faults body asks for (omitted switches are off), or an Error saying what is wrong. */
export function parseFaults(body) {
    if (!body || typeof body !== "object" || Array.isArray(body)) throw new Error("expected a JSON object");
    const faults = noFaults();
    for (const [key, value] of Object.entries(body)) {
        if (counters.includes(key)) {
            if (!isCount(value)) throw new Error(`${key} must be a non-negative integer`);
        } else if (optionalSeconds.includes(key)) {
            if (value !== null && !isCount(value)) throw new Error(`${key} must be a non-negative integer or null`);
        } else if (key === "conflictUserNames") {
            if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) throw new Error("conflictUserNames must be an array of strings");
        } else if (key === "rejectUserNames") {
            if (!value || typeof value !== "object" || Array.isArray(value) || !Object.values(value).every((v) => typeof v === "string")) {
                throw new Error("rejectUserNames must be an object of userName: detail strings");
            }
        } else {
            throw new Error(`unknown fault "${key}"; known: ${Object.keys(faults).join(", ")}`);
        }
        faults[key] = value;
    }
    return faults;
}

// Epoch milliseconds with sub-millisecond resolution, so tests can compare the gap between two requests.
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class Faults {
    current = noFaults();
    requests = [];

    reset() {
        this.current = noFaults();
        this.requests = [];
    }

    /**
     * Throws the SCIM error a create or replace of `userName` must answer with, if a switch says so;
     * `taking` is whether the write gives a user this name (a create or a rename).
     */
    checkUserName(userName, { taking }) {
        const { conflictUserNames, rejectUserNames } = this.current;
        if (taking && conflictUserNames.some((name) => name.toLowerCase() === String(userName).toLowerCase())) {
            throw new SCIMMY.Types.Error(409, "uniqueness", `userName "${userName}" is already taken`);
        }
        const rejected = Object.entries(rejectUserNames).find(([name]) => name.toLowerCase() === String(userName).toLowerCase());
        if (rejected) throw new SCIMMY.Types.Error(400, "invalidValue", rejected[1]);
    }

    /** Express middleware for /scim/v2: logs the request, then waits, drops or fails it as switched. */
    middleware() {
        return async (req, res, next) => {
            const entry = { at: now(), method: req.method, path: req.originalUrl, status: 0 };
            this.requests.push(entry);
            res.on("finish", () => { entry.status = res.statusCode; });

            const faults = this.current;
            if (faults.latencyMs > 0) await sleep(faults.latencyMs);
            if (faults.drop > 0) {
                faults.drop--;
                // No answer at all: the client sees the connection close (status stays 0 in the log).
                req.socket.destroy();
                return;
            }
            if (faults.truncate > 0) {
                faults.truncate--;
                // The start of an answer, then the connection closes: a broken connection that an HTTP client
                // cannot safely resend by itself (.NET's HttpClient resends a plain drop up to 3 times).
                req.socket.end("HTTP/1.1 200 OK\r\nContent-Type: application/scim+json\r\n");
                return;
            }
            if (faults.fail503 > 0) {
                faults.fail503--;
                return failWith(res, 503, faults.fail503RetryAfterSeconds, "Service Unavailable (fault switch)");
            }
            if (faults.fail429 > 0) {
                faults.fail429--;
                return failWith(res, 429, faults.fail429RetryAfterSeconds, "Too Many Requests (fault switch)");
            }
            next();
        };
    }
}

function failWith(res, status, retryAfterSeconds, detail) {
    if (retryAfterSeconds !== null && retryAfterSeconds !== undefined) res.set("Retry-After", String(retryAfterSeconds));
    // Written by hand: scimmy's ErrorResponse only knows the status codes RFC 7644 §3.12 lists (no 429 or 503).
    const body = { schemas: [SCIMMY.Messages.Error.id], status: String(status), detail };
    res.status(status).type("application/scim+json").send(JSON.stringify(body));
}
