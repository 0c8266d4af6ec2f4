// Bearer tokens for /scim/v2: one fixed token (as an identity service's long-lived API token), plus access
// tokens issued by an OAuth 2.0 client-credentials endpoint (RFC 6749 §4.4), which expire.
import { randomBytes, timingSafeEqual } from "node:crypto";
import express from "express";

const equal = (a, b) => {
    const left = Buffer.from(String(a ?? ""));
    const right = Buffer.from(String(b ?? ""));
    return left.length === right.length && timingSafeEqual(left, right);
};

export class Tokens {
    issued = new Map(); // access token -> expiry (ms epoch)
    issuedCount = 0;

    constructor({ token, clientId, clientSecret, tokenLifetimeSeconds }) {
        this.token = token;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.lifetimeSeconds = tokenLifetimeSeconds;
    }

    /** The count restarts on reset; tokens already issued stay valid, as they would at a real service. */
    resetCount() {
        this.issuedCount = 0;
    }

    /** Throws (scimmy-routers turns it into a 401 SCIM error) unless the request carries a valid bearer token. */
    authenticate(req) {
        const [scheme, presented] = (req.get("authorization") ?? "").split(" ");
        if (scheme?.toLowerCase() !== "bearer" || !presented) throw new Error("Authorization: Bearer token required");
        if (equal(presented, this.token)) return;
        const expiry = this.issued.get(presented);
        if (expiry === undefined) throw new Error("Bearer token not recognised");
        if (expiry <= Date.now()) {
            this.issued.delete(presented);
            throw new Error("Bearer token expired");
        }
    }

    /** POST /oauth/token: client credentials in the form body or in HTTP Basic (RFC 6749 §2.3.1). */
    router() {
        const router = express.Router();
        router.post("/oauth/token", express.urlencoded({ extended: false }), (req, res) => {
            res.set("Cache-Control", "no-store").set("Pragma", "no-cache");
            const body = req.body ?? {};
            const { clientId, clientSecret } = credentials(req, body);
            if (!equal(clientId, this.clientId) || !equal(clientSecret, this.clientSecret)) {
                res.set("WWW-Authenticate", 'Basic realm="scim"');
                return res.status(401).json({ error: "invalid_client", error_description: "unknown client or wrong secret" });
            }
            if (body.grant_type !== "client_credentials") {
                return res.status(400).json({ error: "unsupported_grant_type", error_description: "only client_credentials is supported" });
            }
            const accessToken = randomBytes(32).toString("base64url");
            this.issued.set(accessToken, Date.now() + this.lifetimeSeconds * 1000);
            this.issuedCount++;
            res.json({ access_token: accessToken, token_type: "Bearer", expires_in: this.lifetimeSeconds });
        });
        return router;
    }
}

function credentials(req, body) {
    const [scheme, encoded] = (req.get("authorization") ?? "").split(" ");
    if (scheme?.toLowerCase() === "basic" && encoded) {
        const decoded = Buffer.from(encoded, "base64").toString("utf8");
        const colon = decoded.indexOf(":");
        // RFC 6749 §2.3.1: both parts are form-urlencoded before Basic encoding.
        const part = (text) => decodeURIComponent(text.replace(/\+/g, " "));
        try {
            if (colon >= 0) return { clientId: part(decoded.slice(0, colon)), clientSecret: part(decoded.slice(colon + 1)) };
        } catch {
            // Malformed percent-encoding: no usable credentials.
        }
        return {};
    }
    return { clientId: body.client_id, clientSecret: body.client_secret };
}
