//! A small INI reader for `~/.alibabacloud/credentials`, with the rules of `gopkg.in/ini.v1`
//! as `credentials-go` loads it: `[section]` headers, `key = value` or `key: value`, lines
//! starting with `#` or `;` are comments, and an unquoted value ends at the first `#` or
//! `;` (an inline comment). Quoted values keep everything between the quotes. Names are
//! case-sensitive; a repeated section continues the earlier one, a repeated key replaces
//! its value.
//!
//! Errors give a line number, never the line: the file holds secrets. Values are wiped
//! from memory when dropped.

use super::access_key::wipe;

/// The sections of a file, in order, each with its keys in order.
pub(crate) struct Ini {
    sections: Vec<Section>,
}

/// One `[name]` and the keys under it; the keys before any header are in section
/// `DEFAULT`, as `ini.v1` names it.
struct Section {
    name: String,
    entries: Vec<(String, String)>,
}

impl Drop for Section {
    fn drop(&mut self) {
        for (_, value) in &mut self.entries {
            wipe(value);
        }
    }
}

impl Ini {
    /// Reads a whole file.
    pub(crate) fn parse(text: &str) -> Result<Ini, String> {
        let mut ini = Ini {
            sections: vec![Section {
                name: "DEFAULT".to_owned(),
                entries: Vec::new(),
            }],
        };
        let mut current = 0;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for (index, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            if let Some(header) = line.strip_prefix('[') {
                let name = header
                    .strip_suffix(']')
                    .map(str::trim)
                    .ok_or_else(|| format!("line {}: a section header without ']'", index + 1))?;
                current = match ini.sections.iter().position(|s| s.name == name) {
                    Some(at) => at,
                    None => {
                        ini.sections.push(Section {
                            name: name.to_owned(),
                            entries: Vec::new(),
                        });
                        ini.sections.len() - 1
                    }
                };
                continue;
            }
            let at = line
                .find(['=', ':'])
                .ok_or_else(|| format!("line {}: neither a section nor key = value", index + 1))?;
            let key = line[..at].trim();
            if key.is_empty() {
                return Err(format!("line {}: a value without a key", index + 1));
            }
            let value = unquote(line[at + 1..].trim());
            let entries = &mut ini.sections[current].entries;
            match entries.iter_mut().find(|(k, _)| k == key) {
                Some((_, old)) => {
                    wipe(old);
                    *old = value;
                }
                None => entries.push((key.to_owned(), value)),
            }
        }
        Ok(ini)
    }

    /// The value of `key` in section `section`, when both are there.
    pub(crate) fn get(&self, section: &str, key: &str) -> Option<&str> {
        self.sections
            .iter()
            .find(|s| s.name == section)?
            .entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the file has section `section`.
    pub(crate) fn has_section(&self, section: &str) -> bool {
        self.sections.iter().any(|s| s.name == section)
    }
}

/// A value as `ini.v1` reads it: the text between matching quotes, or the text up to an
/// inline comment, trimmed.
fn unquote(value: &str) -> String {
    for quote in ["\"\"\"", "\"", "'", "`"] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|rest| rest.strip_suffix(quote))
        {
            return inner.to_owned();
        }
    }
    let end = value.find(['#', ';']).unwrap_or(value.len());
    value[..end].trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sections_keys_and_comments_as_ini_v1_does() {
        let ini = Ini::parse(
            "\u{feff}top = level\n\
             # a comment\n\
             ; another\n\
             [default]                          \n\
             type = access_key                  # Certification type: access_key\n\
             access_key_id: foo\n\
             [ other ]\n\
             quoted = \"a # b ; c\"\n\
             single = 'x'\n\
             empty =\n\
             [default]\n\
             access_key_id = bar\n",
        )
        .unwrap();
        assert_eq!(ini.get("DEFAULT", "top"), Some("level"));
        assert_eq!(ini.get("default", "type"), Some("access_key"));
        assert_eq!(ini.get("default", "access_key_id"), Some("bar"));
        assert_eq!(ini.get("other", "quoted"), Some("a # b ; c"));
        assert_eq!(ini.get("other", "single"), Some("x"));
        assert_eq!(ini.get("other", "empty"), Some(""));
        assert_eq!(ini.get("Default", "type"), None, "names are case-sensitive");
        assert!(ini.has_section("other") && !ini.has_section("missing"));
    }

    #[test]
    fn malformed_lines_are_refused_by_number_without_quoting_them() {
        for (text, line) in [
            ("[default\n", 1),
            ("[a]\nSecretValue\n", 2),
            ("[a]\n\n = SecretValue\n", 3),
        ] {
            let err = Ini::parse(text).err().unwrap();
            assert!(err.starts_with(&format!("line {line}:")), "{err}");
            assert!(!err.contains("SecretValue"), "{err}");
        }
    }
}
