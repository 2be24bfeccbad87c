//! Resource addresses as Terraform writes them: `module.net["a"].aws_instance.web[0]`.
//!
//! An [`Address`] names one resource instance (state, plan, findings); a [`ConfigAddress`] names a
//! block in the configuration, which stands for all of its instances.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::path::{is_identifier, read_quoted, write_quoted};

/// The key of one instance made by `count` (integer) or `for_each` (string).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InstanceKey {
    Int(i64),
    Str(String),
}

impl fmt::Display for InstanceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstanceKey::Int(i) => write!(f, "[{i}]"),
            InstanceKey::Str(s) => {
                f.write_str("[")?;
                write_quoted(f, s)?;
                f.write_str("]")
            }
        }
    }
}

impl Serialize for InstanceKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            InstanceKey::Int(i) => serializer.serialize_i64(*i),
            InstanceKey::Str(s) => serializer.serialize_str(s),
        }
    }
}

impl<'de> Deserialize<'de> for InstanceKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(i64),
            Str(String),
        }
        Ok(match Raw::deserialize(deserializer)? {
            Raw::Int(i) => InstanceKey::Int(i),
            Raw::Str(s) => InstanceKey::Str(s),
        })
    }
}

/// One `module.NAME[KEY]` step of a module instance path.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModuleStep {
    pub name: String,
    pub key: Option<InstanceKey>,
}

/// `managed` (a `resource` block) or `data` (a `data` block).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Managed,
    Data,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Managed => "managed",
            Mode::Data => "data",
        }
    }
}

/// The address of one resource instance.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Address {
    pub module: Vec<ModuleStep>,
    pub mode: Mode,
    pub r#type: String,
    pub name: String,
    pub key: Option<InstanceKey>,
}

impl Address {
    pub fn managed(r#type: impl Into<String>, name: impl Into<String>) -> Self {
        Address {
            module: Vec::new(),
            mode: Mode::Managed,
            r#type: r#type.into(),
            name: name.into(),
            key: None,
        }
    }

    /// The configuration block this instance comes from.
    pub fn config_address(&self) -> ConfigAddress {
        ConfigAddress {
            module: self.module.iter().map(|s| s.name.clone()).collect(),
            mode: self.mode,
            r#type: self.r#type.clone(),
            name: self.name.clone(),
        }
    }

    /// `module.a["x"].module.b` (empty for the root module).
    pub fn module_path(&self) -> String {
        let mut out = String::new();
        write_module_path(&mut out, &self.module).expect("writing to a String cannot fail");
        out
    }
}

fn write_module_path(f: &mut impl fmt::Write, module: &[ModuleStep]) -> fmt::Result {
    for (i, step) in module.iter().enumerate() {
        if i > 0 {
            f.write_char('.')?;
        }
        write!(f, "module.{}", step.name)?;
        if let Some(key) = &step.key {
            write!(f, "{key}")?;
        }
    }
    Ok(())
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_module_path(f, &self.module)?;
        if !self.module.is_empty() {
            f.write_str(".")?;
        }
        if self.mode == Mode::Data {
            f.write_str("data.")?;
        }
        write!(f, "{}.{}", self.r#type, self.name)?;
        if let Some(key) = &self.key {
            write!(f, "{key}")?;
        }
        Ok(())
    }
}

/// A resource type, resource name or module name that is not a Terraform identifier. Such a
/// name can only come from a tampered document (Terraform writes none), and written into
/// generated HCL or shell it would be code: readers refuse it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidName {
    /// What the text names: `resource type`, `resource name`, `module name`.
    pub what: &'static str,
    pub text: String,
}

impl fmt::Display for InvalidName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ", self.what)?;
        write_quoted(f, &self.text)?;
        f.write_str(
            " is not a Terraform identifier (ASCII letters, digits, `_` and `-`, not starting \
             with a digit or `-`)",
        )
    }
}

impl std::error::Error for InvalidName {}

/// `Ok` when `text` is a Terraform identifier; `what` says what it names, for the error.
pub fn check_identifier(what: &'static str, text: &str) -> Result<(), InvalidName> {
    if is_identifier(text) {
        Ok(())
    } else {
        Err(InvalidName {
            what,
            text: text.to_owned(),
        })
    }
}

impl Address {
    /// `Ok` when every name in the address (module names, type, name) is a Terraform
    /// identifier. Instance keys are any text: writers quote them.
    pub fn check_names(&self) -> Result<(), InvalidName> {
        for step in &self.module {
            check_identifier("module name", &step.name)?;
        }
        check_identifier("resource type", &self.r#type)?;
        check_identifier("resource name", &self.name)
    }
}

/// Why an address could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressParseError {
    pub input: String,
    pub message: &'static str,
}

impl fmt::Display for AddressParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid resource address `{}`: {}",
            self.input, self.message
        )
    }
}

impl std::error::Error for AddressParseError {}

/// A cursor over an address string.
struct Lexer<'a> {
    input: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn at_end(&self) -> bool {
        self.pos >= self.input.len()
    }

    fn peek(&self) -> Option<u8> {
        self.input.as_bytes().get(self.pos).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn identifier(&mut self) -> Option<&'a str> {
        let start = self.pos;
        while let Some(b) = self.peek() {
            if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' {
                self.pos += 1;
            } else {
                break;
            }
        }
        Some(&self.input[start..self.pos]).filter(|word| is_identifier(word))
    }

    /// Reads an optional `[0]` or `["key"]`.
    fn key(&mut self) -> Result<Option<InstanceKey>, &'static str> {
        if !self.eat(b'[') {
            return Ok(None);
        }
        let key = if self.peek() == Some(b'"') {
            let (key, next) = read_quoted(self.input, self.pos)
                .map_err(|_| "unterminated or invalid quoted instance key")?;
            self.pos = next;
            InstanceKey::Str(key)
        } else {
            let start = self.pos;
            if self.peek() == Some(b'-') {
                self.pos += 1;
            }
            while self.peek().is_some_and(|b| b.is_ascii_digit()) {
                self.pos += 1;
            }
            let index = self.input[start..self.pos]
                .parse()
                .map_err(|_| "expected an integer or a quoted instance key")?;
            InstanceKey::Int(index)
        };
        if !self.eat(b']') {
            return Err("expected `]` after the instance key");
        }
        Ok(Some(key))
    }
}

impl FromStr for Address {
    type Err = AddressParseError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let fail = |message| AddressParseError {
            input: input.to_owned(),
            message,
        };
        let mut lexer = Lexer { input, pos: 0 };
        let mut module = Vec::new();
        let mut mode = Mode::Managed;
        loop {
            let word = lexer.identifier().ok_or_else(|| fail("expected a name"))?;
            if word == "module" {
                if !lexer.eat(b'.') {
                    return Err(fail("expected `.` after `module`"));
                }
                let name = lexer
                    .identifier()
                    .ok_or_else(|| fail("expected a module name"))?;
                let key = lexer.key().map_err(fail)?;
                module.push(ModuleStep {
                    name: name.to_owned(),
                    key,
                });
                if !lexer.eat(b'.') {
                    return Err(fail("a module path must be followed by a resource"));
                }
                continue;
            }
            let r#type = if word == "data" && mode == Mode::Managed {
                if !lexer.eat(b'.') {
                    return Err(fail("expected `.` after `data`"));
                }
                mode = Mode::Data;
                lexer
                    .identifier()
                    .ok_or_else(|| fail("expected a data source type"))?
            } else {
                word
            };
            if !lexer.eat(b'.') {
                return Err(fail("expected `TYPE.NAME`"));
            }
            let name = lexer
                .identifier()
                .ok_or_else(|| fail("expected a resource name"))?;
            let key = lexer.key().map_err(fail)?;
            if !lexer.at_end() {
                return Err(fail("unexpected text after the resource address"));
            }
            return Ok(Address {
                module,
                mode,
                r#type: r#type.to_owned(),
                name: name.to_owned(),
                key,
            });
        }
    }
}

impl Serialize for Address {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Address {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The address of a `resource` or `data` block: module names without instance keys.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConfigAddress {
    pub module: Vec<String>,
    pub mode: Mode,
    pub r#type: String,
    pub name: String,
}

impl fmt::Display for ConfigAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for step in &self.module {
            write!(f, "module.{step}.")?;
        }
        if self.mode == Mode::Data {
            f.write_str("data.")?;
        }
        write!(f, "{}.{}", self.r#type, self.name)
    }
}

impl Serialize for ConfigAddress {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_round_trip() {
        for text in [
            "aws_instance.web",
            "aws_instance.web[0]",
            "aws_instance.web[\"a b\"]",
            "data.aws_ami.ubuntu",
            "module.net.aws_subnet.private[2]",
            "module.a[\"k\"].module.b[0].data.aws_vpc.this",
            "module.data.aws_vpc.data",
        ] {
            let address: Address = text.parse().unwrap();
            assert_eq!(address.to_string(), text);
        }
    }

    #[test]
    fn parts_are_read() {
        let a: Address = "module.a[\"k\"].module.b.aws_instance.web[3]"
            .parse()
            .unwrap();
        assert_eq!(a.module.len(), 2);
        assert_eq!(a.module[0].key, Some(InstanceKey::Str("k".into())));
        assert_eq!(a.key, Some(InstanceKey::Int(3)));
        assert_eq!(
            a.config_address().to_string(),
            "module.a.module.b.aws_instance.web"
        );
        assert_eq!(a.module_path(), "module.a[\"k\"].module.b");
    }

    /// Hostile instance keys: each is written as an HCL literal that Terraform reads back as the
    /// same key (template introducers doubled, control and invisible characters escaped) and
    /// parses back to itself.
    #[test]
    fn hostile_instance_keys_round_trip_as_literals() {
        for key in [
            "a\nresource \"terraform_data\" \"x\" {\n  provisioner \"local-exec\" { command = \"id\" }\n}",
            "'; rm -rf ~; #",
            "$(touch /tmp/pwned)",
            "`id`",
            "${path.root}",
            "%{ if true }x%{ endif }",
            "$${",
            "$$",
            "back\\slash\\",
            "\"quoted\"",
            "\u{1b}]52;c;aGk=\u{7}\u{8}\u{7f}\r\t",
            "\u{202e}gnp.exe\u{2028}",
            "ключ 🔑",
            "",
        ] {
            let address = Address {
                key: Some(InstanceKey::Str(key.to_owned())),
                module: vec![ModuleStep {
                    name: "m".into(),
                    key: Some(InstanceKey::Str(key.to_owned())),
                }],
                ..Address::managed("aws_instance", "web")
            };
            let text = address.to_string();
            assert!(
                !text.contains(['\n', '\r', '\u{1b}', '\u{202e}', '\u{2028}']),
                "{text}"
            );
            assert!(!text.contains("${") || text.contains("$${"), "{text}");
            assert_eq!(text.parse::<Address>().unwrap(), address, "{text}");
        }
        let address: Address = r#"aws_instance.web["$${x} %%{y} $$ \u00e9\U0001F511"]"#
            .parse()
            .unwrap();
        assert_eq!(
            address.key,
            Some(InstanceKey::Str("${x} %{y} $$ é🔑".into()))
        );
    }

    #[test]
    fn names_that_are_not_identifiers_are_refused() {
        for bad in [
            "1aws_instance.web",
            "aws_instance.1web",
            "module.-m.aws_instance.web",
        ] {
            assert!(bad.parse::<Address>().is_err(), "{bad:?}");
        }
        let mut address = Address::managed("aws_instance", "web\nx");
        let err = address.check_names().unwrap_err().to_string();
        assert!(err.starts_with(r#"resource name "web\nx" is not"#), "{err}");
        address.name = "web".into();
        assert!(address.check_names().is_ok());
        address.module.push(ModuleStep {
            name: "a b".into(),
            key: None,
        });
        assert_eq!(address.check_names().unwrap_err().what, "module name");
    }

    #[test]
    fn bad_addresses_are_errors() {
        for bad in [
            "",
            "aws_instance",
            "module.x",
            "aws_instance.web[",
            "aws_instance.web[x]",
            "a.b c",
        ] {
            assert!(bad.parse::<Address>().is_err(), "{bad:?}");
        }
    }
}
