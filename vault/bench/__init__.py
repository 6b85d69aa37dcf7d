"""The scale benchmark behind ``casevault bench`` (issue 23): casevault at N cases, beside plain
SQLCipher doing the same job and beside its own floor, measured in one run (docs/performance.md)."""
