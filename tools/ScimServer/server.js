#!/usr/bin/env node
// A real SCIM 2.0 server (RFC 7643/7644) for Flowthrough's tests and demo: scimmy and scimmy-routers do the
// protocol (schemas, filters, paging, PATCH, errors); this file wires an in-memory directory, bearer and
// OAuth 2.0 client-credentials authentication, fault switches and a control API. See README.md.
//
//   node tools/ScimServer/server.js --port 0 [--host 127.0.0.1] [--token T] [--client-id ID]
//        [--client-secret S] [--token-lifetime SECONDS]
import http from "node:http";
import { parseArgs } from "node:util";
import express from "express";
import SCIMMY from "scimmy";
import SCIMMYRouters from "scimmy-routers";
import { Directory } from "./lib/store.js";
import { Faults } from "./lib/faults.js";
import { Tokens } from "./lib/auth.js";
import { controlRouter } from "./lib/control.js";
import { memberPatchRouter } from "./lib/members.js";

const usage = "usage: node server.js [--port N] [--host H] [--token T] [--client-id ID] [--client-secret S] [--token-lifetime SECONDS]";

function options() {
    const { values } = parseArgs({
        options: {
            port: { type: "string", default: "0" },
            host: { type: "string", default: "127.0.0.1" },
            token: { type: "string", default: process.env.SCIM_TOKEN || "scim-demo-token" },
            "client-id": { type: "string", default: "flowthrough" },
            "client-secret": { type: "string", default: "scim-demo-secret" },
            "token-lifetime": { type: "string", default: "3600" },
            help: { type: "boolean", short: "h", default: false },
        },
    });
    if (values.help) {
        console.log(usage);
        process.exit(0);
    }
    const whole = (name, min, max) => {
        const n = Number(values[name]);
        if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}, got "${values[name]}"`);
        return n;
    };
    return {
        port: whole("port", 0, 65535),
        host: values.host,
        token: values.token,
        clientId: values["client-id"],
        clientSecret: values["client-secret"],
        tokenLifetimeSeconds: whole("token-lifetime", 1, 31536000),
    };
}

// Express 5 parses req.query anew on every read, so scimmy-routers' cast of startIndex/count to numbers
// would be lost and scimmy would ignore paging. Freeze one parsed copy with the numbers cast, and count
// capped at the advertised filter.maxResults, as a real service pages a large directory.
function pagingNumbers(req, res, next) {
    const query = { ...req.query };
    for (const name of ["startIndex", "count"]) {
        if (typeof query[name] === "string" && query[name] !== "" && !Number.isNaN(Number(query[name]))) query[name] = Number(query[name]);
    }
    const maxResults = SCIMMY.Config.get().filter?.maxResults;
    if (typeof query.count === "number" && maxResults && query.count > maxResults) query.count = maxResults;
    Object.defineProperty(req, "query", { value: query, writable: true, configurable: true, enumerable: true });
    next();
}

function scimRouter(tokens) {
    const router = new SCIMMYRouters({
        type: "bearer",
        handler: (req) => tokens.authenticate(req),
        baseUri: (req) => `${req.protocol}://${req.get("host")}`,
    });
    // scimmy-routers advertises one scheme; this server also hands out bearer tokens through OAuth 2.0.
    // (Config.set adds to the list scimmy-routers set.)
    SCIMMY.Config.set({
        authenticationSchemes: [
            {
                type: "oauth2", name: "OAuth 2.0 Client Credentials",
                description: "Access tokens from POST /oauth/token (grant_type=client_credentials)",
                specUri: "https://datatracker.ietf.org/doc/html/rfc6749",
            },
        ],
    });
    return router;
}

function main() {
    let settings;
    try {
        settings = options();
    } catch (error) {
        console.error(`scim-server: ${error.message}\n${usage}`);
        process.exit(2);
    }

    const faults = new Faults();
    const directory = new Directory(faults);
    const tokens = new Tokens(settings);
    directory.declare();

    const app = express();
    app.disable("x-powered-by");
    app.use("/_control", controlRouter({ directory, faults, tokens }));
    app.use(tokens.router());
    app.use("/scim/v2", faults.middleware(), pagingNumbers, memberPatchRouter(directory, tokens), scimRouter(tokens));
    // scimmy-routers has already answered a 5xx when it passes the error on; only report it here.
    app.use((error, req, res, next) => {
        console.error(`scim-server: ${req.method} ${req.originalUrl}: ${error.stack ?? error}`);
        if (!res.headersSent) res.status(500).json({ error: String(error.message ?? error) });
    });

    const server = http.createServer(app);
    server.listen(settings.port, settings.host, () => {
        const { port } = server.address();
        const host = settings.host.includes(":") ? `[${settings.host}]` : settings.host;
        console.log(`SCIM server: http://${host}:${port}/scim/v2`);
    });
    server.on("error", (error) => {
        console.error(`scim-server: cannot listen on ${settings.host}:${settings.port}: ${error.message}`);
        process.exit(1);
    });

    const stop = () => {
        server.close(() => process.exit(0));
        server.closeAllConnections();
        // A request still sleeping in a latency fault must not hold the exit up.
        setTimeout(() => process.exit(0), 1000).unref();
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
}

main();
