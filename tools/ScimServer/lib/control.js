// The control API (no authentication, JSON) that tests and the demo use to reset the server, switch faults
// on and read what happened. Shapes are documented in README.md.
import express from "express";
import { parseFaults } from "./faults.js";

export function controlRouter({ directory, faults, tokens }) {
    const router = express.Router();
    router.use(express.json());

    router.post("/reset", (req, res) => {
        directory.clear();
        faults.reset();
        tokens.resetCount();
        res.json(stats(directory, faults, tokens));
    });

    router.get("/faults", (req, res) => res.json(faults.current));

    router.put("/faults", (req, res) => {
        try {
            faults.current = parseFaults(req.body);
        } catch (error) {
            return res.status(400).json({ error: error.message });
        }
        res.json(faults.current);
    });

    router.get("/requests", (req, res) => res.json(faults.requests));

    router.get("/stats", (req, res) => res.json(stats(directory, faults, tokens)));

    router.use((req, res) => res.status(404).json({ error: `no control endpoint ${req.method} ${req.originalUrl}` }));
    // A body that is not JSON: say so, instead of Express's HTML error page.
    router.use((error, req, res, next) => res.status(error.status ?? 500).json({ error: error.message }));
    return router;
}

const stats = (directory, faults, tokens) => ({
    users: directory.users.size,
    groups: directory.groups.size,
    tokensIssued: tokens.issuedCount,
    requests: faults.requests.length,
});
