"""Publication: what an Urgent Action document says (:mod:`vault.publish.document`), the text
formats of drafts it is built from, and the writers of each file format. Pure: no keys, no store;
the service layer decides what is approved and hands these modules plain data."""
