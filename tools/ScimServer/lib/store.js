// The in-memory directory behind scimmy's User and Group resources. scimmy validates every request
// against the schemas, parses filters, applies PATCH operations and shapes responses and errors; these
// handlers only keep the records and enforce what a real identity service adds: unique userName and
// Group displayName (both case-insensitive), members that exist, and the switched-on faults.
import { randomUUID } from "node:crypto";
import SCIMMY from "scimmy";
import { matching } from "./filter.js";

const scimError = (status, scimType, detail) => new SCIMMY.Types.Error(status, scimType, detail);
const sameText = (a, b) => typeof a === "string" && typeof b === "string" && a.toLowerCase() === b.toLowerCase();
// The stored form: plain JSON, without scimmy's accessors, so records can be copied and compared freely.
const plain = (instance) => JSON.parse(JSON.stringify(instance));

export class Directory {
    users = new Map();
    groups = new Map();
    // userId -> Set of groupIds it is a direct member of: a user's "groups" without scanning every group.
    memberships = new Map();

    constructor(faults) {
        this.faults = faults;
    }

    clear() {
        this.users.clear();
        this.groups.clear();
        this.memberships.clear();
    }

    /** Declares User (with the enterprise extension) and Group on scimmy, backed by this directory. */
    declare() {
        SCIMMY.Resources.declare(SCIMMY.Resources.User, {
            extensions: [{ schema: SCIMMY.Schemas.EnterpriseUser, required: false }],
            egress: (resource) => this.#read(resource, this.users, SCIMMY.Resources.User, (user) => this.#withGroups(user)),
            ingress: (resource, instance) => this.#writeUser(resource, plain(instance)),
            degress: (resource) => this.#deleteUser(resource.id),
        });
        SCIMMY.Resources.declare(SCIMMY.Resources.Group, {
            egress: (resource) => this.#read(resource, this.groups, SCIMMY.Resources.Group, (group) => group),
            ingress: (resource, instance) => this.#writeGroup(resource, plain(instance)),
            degress: (resource) => this.#deleteGroup(resource.id),
        });
    }

    /** Replaces a stored group (e.g. its members after a PATCH), with the same checks as a PUT. */
    replaceGroup(id, group) {
        return this.#writeGroup({ id }, plain(group));
    }

    #read(resource, records, Resource, present) {
        if (resource.id) {
            const record = records.get(resource.id);
            if (!record) throw scimError(404, null, `Resource ${resource.id} not found`);
            return present(record);
        }
        // scimmy's ListResponse sorts and pages (startIndex, count) the full, filtered list.
        return matching(Resource, resource.filter, [...records.values()].map(present));
    }

    #writeUser(resource, user) {
        const before = resource.id ? this.users.get(resource.id) : undefined;
        if (resource.id && !before) throw scimError(404, null, `Resource ${resource.id} not found`);
        // A conflict switch stands for a user elsewhere: it only bites when this write takes the name.
        this.faults.checkUserName(user.userName, { taking: !before || !sameText(before.userName, user.userName) });
        const clash = [...this.users.values()].find((u) => u.id !== resource.id && sameText(u.userName, user.userName));
        if (clash) throw scimError(409, "uniqueness", `userName "${user.userName}" is already taken`);
        // groups is read-only: it is derived from Group membership, never stored on the user.
        delete user.groups;
        return this.#withGroups(this.#store(this.users, resource.id, user, "User"));
    }

    #writeGroup(resource, group) {
        const clash = [...this.groups.values()].find((g) => g.id !== resource.id && sameText(g.displayName, group.displayName));
        if (clash) throw scimError(409, "uniqueness", `displayName "${group.displayName}" is already taken`);
        group.members = (group.members ?? []).map((member) => {
            const user = this.users.get(member.value);
            if (!user) throw scimError(400, "invalidValue", `member "${member.value}" is not a User of this server`);
            return { value: user.id, display: user.displayName ?? user.userName, type: "User" };
        });
        const stored = this.#store(this.groups, resource.id, group, "Group");
        this.#index(stored.id, stored.members);
        return stored;
    }

    #index(groupId, members) {
        for (const groups of this.memberships.values()) groups.delete(groupId);
        for (const { value } of members) {
            if (!this.memberships.has(value)) this.memberships.set(value, new Set());
            this.memberships.get(value).add(groupId);
        }
    }

    #store(records, id, record, resourceType) {
        const now = new Date().toISOString();
        if (id) {
            const existing = records.get(id);
            if (!existing) throw scimError(404, null, `Resource ${id} not found`);
            record.meta = { resourceType, created: existing.meta.created, lastModified: now };
            record.id = id;
        } else {
            record.id = randomUUID();
            record.meta = { resourceType, created: now, lastModified: now };
        }
        records.set(record.id, record);
        return record;
    }

    #deleteUser(id) {
        this.#delete(this.users, id);
        // As identity services do, a deleted user leaves every group it was a member of.
        for (const groupId of this.memberships.get(id) ?? []) {
            const group = this.groups.get(groupId);
            group.members = group.members.filter((m) => m.value !== id);
        }
        this.memberships.delete(id);
    }

    #deleteGroup(id) {
        this.#delete(this.groups, id);
        this.#index(id, []);
    }

    #delete(records, id) {
        if (!records.delete(id)) throw scimError(404, null, `Resource ${id} not found`);
    }

    #withGroups(user) {
        const groups = [...(this.memberships.get(user.id) ?? [])]
            .map((id) => this.groups.get(id))
            .map((g) => ({ value: g.id, display: g.displayName, type: "direct" }));
        return groups.length ? { ...user, groups } : user;
    }
}
