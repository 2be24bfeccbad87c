//! A partial evaluator for Terraform expressions over `hcl-edit` syntax trees.
//!
//! Drift detection compares what the code says with what exists, so a wrong guess is worse than no
//! answer: anything this evaluator cannot know (resource attributes, `each`, `path`, unsupported
//! functions) becomes [`Value::Unknown`] and the comparison is skipped there. Known parts of a
//! structure stay known around an unknown part, so `{Name = "x", Id = aws_vpc.main.id}` still
//! yields the `Name` tag.
//!
//! Two outcomes are kept apart: `Ok(Value::Unknown)` means "would be known at apply time" and
//! `Err(Fail)` means "Terraform would reject this". `try` and `can` need the difference; an
//! attribute whose evaluation fails is reported as unknown by the loader.

use std::cell::RefCell;
use std::collections::HashMap;

use hcl_edit::expr::{
    BinaryOperator, Expression, ForExpr, FuncCall, ObjectKey, TraversalOperator, UnaryOperator,
};
use hcl_edit::template::{Directive, Element, Template};
use plumb_model::{Map, Number, Value};

use crate::funcs;

/// Terraform would raise an error evaluating this expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fail(pub String);

pub(crate) type EvalResult = Result<Value, Fail>;

/// Deep nesting in hostile input must not overflow the stack.
const MAX_DEPTH: usize = 200;

enum LocalState {
    InProgress,
    Done(Value),
}

/// What a module's expressions can see: its variables and its locals (evaluated lazily, so that
/// locals may refer to each other in any order).
#[derive(Default)]
pub(crate) struct Env {
    vars: HashMap<String, Value>,
    locals: HashMap<String, Expression>,
    cache: RefCell<HashMap<String, LocalState>>,
}

impl std::fmt::Debug for Env {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Env")
            .field("vars", &self.vars.keys().collect::<Vec<_>>())
            .field("locals", &self.locals.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Env {
    pub(crate) fn new(vars: HashMap<String, Value>, locals: HashMap<String, Expression>) -> Self {
        Env {
            vars,
            locals,
            cache: RefCell::new(HashMap::new()),
        }
    }

    /// Evaluates an expression; failures become unknown (the loader's view of an attribute).
    pub(crate) fn value_of(&self, expr: &Expression) -> Value {
        self.eval(expr).unwrap_or(Value::Unknown)
    }

    pub(crate) fn eval(&self, expr: &Expression) -> EvalResult {
        Scope {
            env: self,
            bindings: Vec::new(),
            depth: 0,
        }
        .eval(expr)
    }

    fn local(&self, name: &str, depth: usize) -> EvalResult {
        match self.cache.borrow().get(name) {
            Some(LocalState::Done(v)) => return Ok(v.clone()),
            // A local that needs itself: Terraform reports a cycle; plumb cannot know it.
            Some(LocalState::InProgress) => return Ok(Value::Unknown),
            None => {}
        }
        let Some(expr) = self.locals.get(name) else {
            return Err(Fail(format!("no local value named {name:?}")));
        };
        self.cache
            .borrow_mut()
            .insert(name.to_owned(), LocalState::InProgress);
        let result = Scope {
            env: self,
            bindings: Vec::new(),
            depth,
        }
        .eval(expr);
        // A failed local is unknown wherever it is used: an error belongs to Terraform to report.
        let value = result.unwrap_or(Value::Unknown);
        self.cache
            .borrow_mut()
            .insert(name.to_owned(), LocalState::Done(value.clone()));
        Ok(value)
    }
}

/// Evaluation state: the module environment plus the names bound by `for` expressions.
struct Scope<'a> {
    env: &'a Env,
    bindings: Vec<(String, Value)>,
    depth: usize,
}

/// Wraps `v` in a sensitive mark when `sensitive` is set.
pub(crate) fn mark(v: Value, sensitive: bool) -> Value {
    if sensitive && !v.is_sensitive() {
        Value::Sensitive(Box::new(v))
    } else {
        v
    }
}

/// Removes every sensitive mark, saying whether there was one; operations compute on the plain
/// value and mark the result, as Terraform does.
pub(crate) fn unmark_deep(v: Value) -> (Value, bool) {
    match v {
        Value::Sensitive(inner) => (unmark_deep(*inner).0, true),
        Value::List(items) => {
            let mut any = false;
            let items = items
                .into_iter()
                .map(|i| {
                    let (v, s) = unmark_deep(i);
                    any |= s;
                    v
                })
                .collect();
            (Value::List(items), any)
        }
        Value::Map(m) => {
            let mut any = false;
            let entries = m
                .into_entries()
                .into_iter()
                .map(|(k, v)| {
                    let (v, s) = unmark_deep(v);
                    any |= s;
                    (k, v)
                })
                .collect();
            (Value::Map(Map::from_entries(entries)), any)
        }
        other => (other, false),
    }
}

/// A number value, an integer where it is one.
pub(crate) fn number(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        #[allow(clippy::cast_possible_truncation)]
        Value::int(f as i64)
    } else {
        Value::Number(Number::Float(f))
    }
}

/// Terraform's automatic conversion to number (strings holding numbers convert).
pub(crate) fn to_number(v: &Value) -> Result<Number, Fail> {
    match v.unmarked() {
        Value::Number(n) => Ok(n.clone()),
        Value::String(s) => parse_number(s).ok_or_else(|| Fail(format!("{s:?} is not a number"))),
        other => Err(Fail(format!(
            "a number is required, not {}",
            other.kind_name()
        ))),
    }
}

pub(crate) fn parse_number(s: &str) -> Option<Number> {
    let t = s.trim();
    if t != s || t.is_empty() {
        return None;
    }
    match Number::parse(t) {
        Some(Number::Float(f)) => return float_number(f),
        Some(n) => return Some(n),
        None => {}
    }
    // What JSON's syntax lacks but Terraform's conversion takes (`+5`, `.5`).
    match t.parse::<f64>() {
        Ok(f)
            if f.is_finite()
                && !t.contains(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E') =>
        {
            float_number(f)
        }
        _ => None,
    }
}

/// A float as [`number`] makes it: an integer where it is one.
fn float_number(f: f64) -> Option<Number> {
    match number(f) {
        Value::Number(n) => Some(n),
        _ => None,
    }
}

/// A number in its exact form, from JSON's or HCL's syntax (unknown where it is not a number).
pub(crate) fn exact(text: &str) -> Value {
    match Number::parse(text) {
        Some(Number::Float(f)) => number(f),
        Some(n) => Value::Number(n),
        None => Value::Unknown,
    }
}

/// Terraform's automatic conversion to string, for templates and string functions.
pub(crate) fn to_string(v: &Value) -> Result<String, Fail> {
    match v.unmarked() {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null => Err(Fail("a null value cannot be used as a string".into())),
        other => Err(Fail(format!(
            "a string is required, not {}",
            other.kind_name()
        ))),
    }
}

pub(crate) fn to_bool(v: &Value) -> Result<bool, Fail> {
    match v.unmarked() {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s == "true" => Ok(true),
        Value::String(s) if s == "false" => Ok(false),
        other => Err(Fail(format!(
            "a bool is required, not {}",
            other.kind_name()
        ))),
    }
}

impl Scope<'_> {
    fn eval(&mut self, expr: &Expression) -> EvalResult {
        if self.depth > MAX_DEPTH {
            return Err(Fail("expression nested too deeply".into()));
        }
        self.depth += 1;
        let result = self.eval_inner(expr);
        self.depth -= 1;
        result
    }

    fn eval_inner(&mut self, expr: &Expression) -> EvalResult {
        match expr {
            Expression::Null(_) => Ok(Value::Null),
            Expression::Bool(b) => Ok(Value::Bool(*b.value())),
            Expression::Number(n) => {
                // The source text, where there is one, holds what a float would round away.
                // (`- 5` is one literal: the spaces go.)
                if let Some(repr) = n.as_repr() {
                    let text: String = repr.chars().filter(|c| !c.is_whitespace()).collect();
                    let value = exact(&text);
                    if !value.is_unknown() {
                        return Ok(value);
                    }
                }
                let n = n.value();
                Ok(match n.as_i64() {
                    Some(i) => Value::int(i),
                    None => n.as_f64().map_or(Value::Unknown, number),
                })
            }
            Expression::String(s) => Ok(Value::String(s.value().clone())),
            Expression::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.eval(item)?);
                }
                Ok(Value::List(out))
            }
            Expression::Object(object) => {
                let mut entries = Vec::with_capacity(object.len());
                for (key, value) in object {
                    let key = match key {
                        ObjectKey::Ident(ident) => ident.as_str().to_owned(),
                        ObjectKey::Expression(Expression::Variable(ident)) => {
                            ident.as_str().to_owned()
                        }
                        ObjectKey::Expression(e) => {
                            let k = self.eval(e)?;
                            if k.is_unknown() {
                                // Unknown keys make the whole object's shape unknown.
                                return Ok(Value::Unknown);
                            }
                            to_string(&k)?
                        }
                    };
                    entries.push((key, self.eval(value.expr())?));
                }
                Ok(Value::Map(Map::from_entries(entries)))
            }
            Expression::StringTemplate(t) => self.template(t),
            Expression::HeredocTemplate(h) => self.template(&h.template),
            Expression::Parenthesis(p) => self.eval(p.inner()),
            Expression::Variable(ident) => Ok(self.variable(ident.as_str())),
            Expression::Conditional(c) => {
                let cond = self.eval(&c.cond_expr)?;
                if cond.is_unknown() {
                    return Ok(Value::Unknown);
                }
                let sensitive = cond.is_sensitive();
                let v = if to_bool(&cond)? {
                    self.eval(&c.true_expr)?
                } else {
                    self.eval(&c.false_expr)?
                };
                Ok(mark(v, sensitive))
            }
            Expression::FuncCall(call) => self.call(call),
            Expression::Traversal(t) => self.traversal(&t.expr, &t.operators),
            Expression::UnaryOp(op) => {
                let v = self.eval(&op.expr)?;
                let (v, sensitive) = unmark_deep(v);
                if v.is_unknown() {
                    return Ok(Value::Unknown);
                }
                let out = match op.operator.value() {
                    UnaryOperator::Neg => match to_number(&v)? {
                        Number::Int(i) => i
                            .checked_neg()
                            .map_or_else(|| number(-Number::Int(i).as_f64()), Value::int),
                        Number::Float(f) => number(-f),
                        Number::Big(big) => match big.as_str().strip_prefix('-') {
                            Some(positive) => exact(positive),
                            None => exact(&format!("-{}", big.as_str())),
                        },
                    },
                    UnaryOperator::Not => Value::Bool(!to_bool(&v)?),
                };
                Ok(mark(out, sensitive))
            }
            Expression::BinaryOp(op) => {
                let operator = *op.operator.value();
                let lhs = self.eval(&op.lhs_expr)?;
                let rhs = self.eval(&op.rhs_expr)?;
                binary(operator, lhs, rhs)
            }
            Expression::ForExpr(f) => self.for_expr(f),
        }
    }

    fn variable(&self, name: &str) -> Value {
        self.bindings
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map_or(Value::Unknown, |(_, v)| v.clone())
    }

    fn traversal(
        &mut self,
        root: &Expression,
        operators: &[hcl_edit::Decorated<TraversalOperator>],
    ) -> EvalResult {
        // `var.x` and `local.x` are the only roots whose first step names a value we hold.
        if let Expression::Variable(ident) = root
            && !self.bindings.iter().any(|(n, _)| n == ident.as_str())
            && let Some(first) = operators.first()
            && let TraversalOperator::GetAttr(attr) = first.value()
        {
            let base = match ident.as_str() {
                "var" => Some(
                    self.env
                        .vars
                        .get(attr.as_str())
                        .cloned()
                        .unwrap_or(Value::Unknown),
                ),
                "local" => Some(self.env.local(attr.as_str(), self.depth)?),
                _ => None,
            };
            if let Some(base) = base {
                return self.apply(base, &operators[1..]);
            }
        }
        let base = self.eval(root)?;
        self.apply(base, operators)
    }

    fn apply(
        &mut self,
        mut current: Value,
        operators: &[hcl_edit::Decorated<TraversalOperator>],
    ) -> EvalResult {
        let mut i = 0;
        while i < operators.len() {
            match operators[i].value() {
                TraversalOperator::GetAttr(name) => {
                    current = get_attr(current, name.as_str())?;
                }
                TraversalOperator::Index(key) => {
                    let key = self.eval(key)?;
                    current = index(current, &key)?;
                }
                TraversalOperator::LegacyIndex(n) => {
                    #[allow(clippy::cast_possible_wrap)]
                    let key = Value::int(*n.value() as i64);
                    current = index(current, &key)?;
                }
                TraversalOperator::FullSplat(_) => {
                    return self.splat(current, &operators[i + 1..]);
                }
                TraversalOperator::AttrSplat(_) => {
                    let end = operators[i + 1..]
                        .iter()
                        .position(|op| !matches!(op.value(), TraversalOperator::GetAttr(_)))
                        .map_or(operators.len(), |p| i + 1 + p);
                    current = self.splat(current, &operators[i + 1..end])?;
                    i = end;
                    continue;
                }
            }
            i += 1;
        }
        Ok(current)
    }

    fn splat(
        &mut self,
        value: Value,
        operators: &[hcl_edit::Decorated<TraversalOperator>],
    ) -> EvalResult {
        match value {
            Value::Unknown => Ok(Value::Unknown),
            Value::Null => Ok(Value::List(Vec::new())),
            Value::Sensitive(inner) => Ok(mark(self.splat(*inner, operators)?, true)),
            Value::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.apply(item, operators)?);
                }
                Ok(Value::List(out))
            }
            single => Ok(Value::List(vec![self.apply(single, operators)?])),
        }
    }

    fn for_expr(&mut self, f: &ForExpr) -> EvalResult {
        let collection = self.eval(&f.intro.collection_expr)?;
        let (collection, sensitive) = match collection {
            Value::Sensitive(inner) => (*inner, true),
            other => (other, false),
        };
        let items: Vec<(Value, Value)> = match collection {
            Value::Unknown => return Ok(Value::Unknown),
            Value::List(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Value::int(i64::try_from(i).unwrap_or(i64::MAX)), v))
                .collect(),
            Value::Map(m) => m
                .into_entries()
                .into_iter()
                .map(|(k, v)| (Value::String(k), v))
                .collect(),
            other => {
                return Err(Fail(format!(
                    "a for expression needs a collection, not {}",
                    other.kind_name()
                )));
            }
        };
        let key_var = f.intro.key_var.as_ref().map(|k| k.as_str().to_owned());
        let value_var = f.intro.value_var.as_str().to_owned();
        let mut list = Vec::new();
        let mut object: Vec<(String, Vec<Value>)> = Vec::new();
        let saved = self.bindings.len();
        let result = (|| {
            for (k, v) in items {
                self.bindings.truncate(saved);
                if let Some(name) = &key_var {
                    self.bindings.push((name.clone(), k));
                }
                self.bindings.push((value_var.clone(), v));
                if let Some(cond) = &f.cond {
                    let keep = self.eval(&cond.expr)?;
                    if keep.is_unknown() {
                        return Ok(false);
                    }
                    if !to_bool(&keep)? {
                        continue;
                    }
                }
                let value = self.eval(&f.value_expr)?;
                if let Some(key_expr) = &f.key_expr {
                    let key = self.eval(key_expr)?;
                    if key.is_unknown() {
                        return Ok(false);
                    }
                    let key = to_string(&key)?;
                    match object.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, values)) if f.grouping => values.push(value),
                        Some(_) => {
                            return Err(Fail(format!("duplicate key {key:?} in a for expression")));
                        }
                        None => object.push((key, vec![value])),
                    }
                } else {
                    list.push(value);
                }
            }
            Ok(true)
        })();
        self.bindings.truncate(saved);
        if !result? {
            return Ok(Value::Unknown);
        }
        let out = if f.key_expr.is_some() {
            Value::Map(Map::from_entries(
                object
                    .into_iter()
                    .map(|(k, mut values)| {
                        let v = if f.grouping {
                            Value::List(values)
                        } else {
                            values.pop().unwrap_or(Value::Null)
                        };
                        (k, v)
                    })
                    .collect(),
            ))
        } else {
            Value::List(list)
        };
        Ok(mark(out, sensitive))
    }

    fn template(&mut self, template: &Template) -> EvalResult {
        // A template that is one interpolation yields the value itself, not its string form.
        if let Some(Element::Interpolation(i)) = template.as_single_element() {
            return self.eval(&i.expr);
        }
        let mut state = TemplateState::default();
        if !self.template_into(template, &mut state)? {
            return Ok(Value::Unknown);
        }
        Ok(mark(Value::String(state.out), state.sensitive))
    }

    /// Appends the template's text; `Ok(false)` when some part is unknown.
    fn template_into(
        &mut self,
        template: &Template,
        state: &mut TemplateState,
    ) -> Result<bool, Fail> {
        for element in template {
            match element {
                Element::Literal(s) => {
                    let s = s.value();
                    if std::mem::take(&mut state.strip_next) {
                        state.out.push_str(s.trim_start());
                    } else {
                        state.out.push_str(s);
                    }
                }
                Element::Interpolation(i) => {
                    if i.strip.strip_start() {
                        state.trim_end();
                    }
                    let v = self.eval(&i.expr)?;
                    if v.contains_unknown() {
                        return Ok(false);
                    }
                    state.sensitive |= v.contains_sensitive();
                    state.out.push_str(&to_string(&v)?);
                    state.strip_next = i.strip.strip_end();
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(d) => {
                        if d.if_expr.strip.strip_start() {
                            state.trim_end();
                        }
                        let cond = self.eval(&d.if_expr.cond_expr)?;
                        if cond.contains_unknown() {
                            return Ok(false);
                        }
                        state.sensitive |= cond.contains_sensitive();
                        if to_bool(&cond)? {
                            state.strip_next = d.if_expr.strip.strip_end();
                            if !self.template_into(&d.if_expr.template, state)? {
                                return Ok(false);
                            }
                        } else if let Some(else_expr) = &d.else_expr {
                            state.strip_next = else_expr.strip.strip_end();
                            if !self.template_into(&else_expr.template, state)? {
                                return Ok(false);
                            }
                        }
                        if d.endif_expr.strip.strip_start() {
                            state.trim_end();
                        }
                        state.strip_next = d.endif_expr.strip.strip_end();
                    }
                    Directive::For(d) => {
                        let f = &d.for_expr;
                        if f.strip.strip_start() {
                            state.trim_end();
                        }
                        let collection = self.eval(&f.collection_expr)?;
                        if collection.contains_unknown() {
                            return Ok(false);
                        }
                        state.sensitive |= collection.contains_sensitive();
                        let items: Vec<(Value, Value)> = match unmark_deep(collection).0 {
                            Value::List(items) => items
                                .into_iter()
                                .enumerate()
                                .map(|(i, v)| (Value::int(i64::try_from(i).unwrap_or(0)), v))
                                .collect(),
                            Value::Map(m) => m
                                .into_entries()
                                .into_iter()
                                .map(|(k, v)| (Value::String(k), v))
                                .collect(),
                            other => {
                                return Err(Fail(format!(
                                    "a template for directive needs a collection, not {}",
                                    other.kind_name()
                                )));
                            }
                        };
                        let saved = self.bindings.len();
                        for (k, v) in items {
                            self.bindings.truncate(saved);
                            if let Some(key_var) = &f.key_var {
                                self.bindings.push((key_var.as_str().to_owned(), k));
                            }
                            self.bindings.push((f.value_var.as_str().to_owned(), v));
                            state.strip_next = f.strip.strip_end();
                            let ok = self.template_into(&f.template, state);
                            if !matches!(ok, Ok(true)) {
                                self.bindings.truncate(saved);
                                return ok;
                            }
                            if d.endfor_expr.strip.strip_start() {
                                state.trim_end();
                            }
                        }
                        self.bindings.truncate(saved);
                        state.strip_next = d.endfor_expr.strip.strip_end();
                    }
                },
            }
        }
        Ok(true)
    }

    fn call(&mut self, call: &FuncCall) -> EvalResult {
        if call.name.is_namespaced() {
            // Provider-defined functions (`provider::aws::arn_parse`) are the provider's business.
            return Ok(Value::Unknown);
        }
        let name = call.name.name.as_str();
        match name {
            // `try` and `can` see failures as values, so their arguments are evaluated lazily.
            "try" => {
                for arg in &call.args {
                    match self.eval(arg) {
                        Ok(v) if v.contains_unknown() => return Ok(Value::Unknown),
                        Ok(v) => return Ok(v),
                        Err(_) => {}
                    }
                }
                return Err(Fail("no argument of try() could be evaluated".into()));
            }
            "can" => {
                let Some(arg) = call.args.iter().next() else {
                    return Err(Fail("can() takes one argument".into()));
                };
                return Ok(match self.eval(arg) {
                    Ok(v) if v.contains_unknown() => Value::Unknown,
                    Ok(_) => Value::Bool(true),
                    Err(_) => Value::Bool(false),
                });
            }
            _ => {}
        }
        if !funcs::is_known(name) {
            return Ok(Value::Unknown);
        }
        let mut args = Vec::with_capacity(call.args.len());
        for arg in &call.args {
            args.push(self.eval(arg)?);
        }
        if call.args.expand_final() {
            match args.pop() {
                Some(Value::List(items)) => args.extend(items),
                Some(Value::Unknown) => return Ok(Value::Unknown),
                Some(other) => {
                    return Err(Fail(format!(
                        "the final argument of {name}(...) must be a list, not {}",
                        other.kind_name()
                    )));
                }
                None => {}
            }
        }
        funcs::call(name, args)
    }
}

#[derive(Default)]
struct TemplateState {
    out: String,
    strip_next: bool,
    sensitive: bool,
}

impl TemplateState {
    fn trim_end(&mut self) {
        let len = self.out.trim_end().len();
        self.out.truncate(len);
    }
}

pub(crate) fn get_attr(value: Value, name: &str) -> EvalResult {
    match value {
        Value::Unknown => Ok(Value::Unknown),
        Value::Sensitive(inner) => Ok(mark(get_attr(*inner, name)?, true)),
        Value::Map(mut m) => m
            .remove(name)
            .ok_or_else(|| Fail(format!("no attribute or key {name:?}"))),
        other => Err(Fail(format!(
            "cannot read attribute {name:?} of a {}",
            other.kind_name()
        ))),
    }
}

pub(crate) fn index(value: Value, key: &Value) -> EvalResult {
    if key.is_unknown() {
        return Ok(Value::Unknown);
    }
    let key_sensitive = key.is_sensitive();
    let out = match value {
        Value::Unknown => return Ok(Value::Unknown),
        Value::Sensitive(inner) => return Ok(mark(index(*inner, key)?, true)),
        Value::List(mut items) => {
            let i = to_number(key)?
                .as_i64()
                .ok_or_else(|| Fail("a list index must be a whole number".into()))?;
            let i = usize::try_from(i).map_err(|_| Fail(format!("index {i} out of range")))?;
            if i >= items.len() {
                return Err(Fail(format!("index {i} out of range")));
            }
            items.swap_remove(i)
        }
        Value::Map(mut m) => {
            let k = to_string(key)?;
            m.remove(&k)
                .ok_or_else(|| Fail(format!("no key {k:?} in the map")))?
        }
        other => {
            return Err(Fail(format!("cannot index a {}", other.kind_name())));
        }
    };
    Ok(mark(out, key_sensitive))
}

fn binary(op: BinaryOperator, lhs: Value, rhs: Value) -> EvalResult {
    let (lhs, ls) = unmark_deep(lhs);
    let (rhs, rs) = unmark_deep(rhs);
    let sensitive = ls || rs;
    let out = match op {
        BinaryOperator::And | BinaryOperator::Or => {
            let is_and = op == BinaryOperator::And;
            // `false && unknown` is false and `true || unknown` is true, whatever the unknown is.
            let l = if lhs.is_unknown() {
                None
            } else {
                Some(to_bool(&lhs)?)
            };
            let r = if rhs.is_unknown() {
                None
            } else {
                Some(to_bool(&rhs)?)
            };
            match (l, r) {
                (Some(a), Some(b)) => Value::Bool(if is_and { a && b } else { a || b }),
                (Some(x), None) | (None, Some(x)) if x != is_and => Value::Bool(x),
                _ => Value::Unknown,
            }
        }
        BinaryOperator::Eq | BinaryOperator::NotEq => {
            if lhs.contains_unknown() || rhs.contains_unknown() {
                Value::Unknown
            } else {
                let equal = lhs == rhs;
                Value::Bool(if op == BinaryOperator::Eq {
                    equal
                } else {
                    !equal
                })
            }
        }
        _ if lhs.is_unknown() || rhs.is_unknown() => Value::Unknown,
        BinaryOperator::Less
        | BinaryOperator::LessEq
        | BinaryOperator::Greater
        | BinaryOperator::GreaterEq => {
            let a = to_number(&lhs)?.as_f64();
            let b = to_number(&rhs)?.as_f64();
            Value::Bool(match op {
                BinaryOperator::Less => a < b,
                BinaryOperator::LessEq => a <= b,
                BinaryOperator::Greater => a > b,
                _ => a >= b,
            })
        }
        BinaryOperator::Plus | BinaryOperator::Minus | BinaryOperator::Mul => {
            let a = to_number(&lhs)?;
            let b = to_number(&rhs)?;
            let int = match (&a, &b) {
                (Number::Int(x), Number::Int(y)) => match op {
                    BinaryOperator::Plus => x.checked_add(*y),
                    BinaryOperator::Minus => x.checked_sub(*y),
                    _ => x.checked_mul(*y),
                },
                _ => None,
            };
            int.map_or_else(
                || {
                    let (x, y) = (a.as_f64(), b.as_f64());
                    number(match op {
                        BinaryOperator::Plus => x + y,
                        BinaryOperator::Minus => x - y,
                        _ => x * y,
                    })
                },
                Value::int,
            )
        }
        BinaryOperator::Div => {
            let b = to_number(&rhs)?.as_f64();
            if b == 0.0 {
                return Err(Fail("division by zero".into()));
            }
            number(to_number(&lhs)?.as_f64() / b)
        }
        BinaryOperator::Mod => {
            let a = to_number(&lhs)?;
            let b = to_number(&rhs)?;
            match (a.as_i64(), b.as_i64()) {
                (Some(_), Some(0)) => return Err(Fail("modulo by zero".into())),
                (Some(x), Some(y)) => Value::int(x.wrapping_rem(y)),
                _ => number(a.as_f64() % b.as_f64()),
            }
        }
    };
    Ok(mark(out, sensitive))
}

/// Parses `text` as a standalone expression and evaluates it with no variables: how `-var`
/// values and `.tfvars` entries are read.
pub(crate) fn eval_text(text: &str) -> Option<Value> {
    let expr = hcl_edit::parser::parse_expr(text).ok()?;
    Env::default().eval(&expr).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn eval_with(src: &str, vars: &[(&str, Value)], locals: &[(&str, &str)]) -> Value {
        let vars = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        let locals = locals
            .iter()
            .map(|(k, v)| ((*k).to_owned(), hcl_edit::parser::parse_expr(v).unwrap()))
            .collect();
        let env = Env::new(vars, locals);
        env.value_of(&hcl_edit::parser::parse_expr(src).unwrap())
    }

    fn ev(src: &str) -> Value {
        eval_with(src, &[], &[])
    }

    fn json(src: &str) -> Value {
        serde_json::from_str(src).unwrap()
    }

    #[test]
    fn big_numbers_stay_exact() {
        assert_ne!(ev("18446744073709551616"), ev("18446744073709551617"));
        assert_eq!(ev("18446744073709551617"), json("18446744073709551617"));
        assert_eq!(ev("-18446744073709551617"), json("-18446744073709551617"));
        assert_eq!(ev("- 18446744073709551617"), json("-18446744073709551617"));
        assert_eq!(ev("-(18446744073709551617)"), json("-18446744073709551617"));
        assert_eq!(ev("60.0"), Value::int(60));
        assert_eq!(
            ev("tonumber(\"18446744073709551617\")"),
            json("18446744073709551617")
        );
        assert_eq!(
            crate::json::expression(&serde_json::from_str("18446744073709551617").unwrap())
                .to_string(),
            "18446744073709551617"
        );
    }

    #[test]
    fn literals_and_operators() {
        assert_eq!(ev("1 + 2 * 3"), Value::int(7));
        assert_eq!(ev("10 / 4"), json("2.5"));
        assert_eq!(ev("10 / 2"), Value::int(5));
        assert_eq!(ev("7 % 3"), Value::int(1));
        assert_eq!(ev("-(3)"), Value::int(-3));
        assert_eq!(ev("!true"), Value::Bool(false));
        assert_eq!(ev("1 < 2 && 3 >= 3"), Value::Bool(true));
        assert_eq!(ev("\"a\" == \"a\""), Value::Bool(true));
        assert_eq!(ev("[1, 2] != [1, 2]"), Value::Bool(false));
        assert_eq!(ev("\"5\" + 1"), Value::int(6));
        assert_eq!(ev("null"), Value::Null);
        assert_eq!(
            ev("1 / 0"),
            Value::Unknown,
            "an error is reported as unknown"
        );
    }

    #[test]
    fn unknowns_propagate_but_short_circuit_where_the_answer_is_fixed() {
        assert_eq!(ev("aws_vpc.main.id"), Value::Unknown);
        assert_eq!(ev("aws_vpc.main.cidr + 1"), Value::Unknown);
        assert_eq!(ev("false && aws_vpc.main.x"), Value::Bool(false));
        assert_eq!(ev("true || aws_vpc.main.x"), Value::Bool(true));
        assert_eq!(ev("true && aws_vpc.main.x"), Value::Unknown);
        assert_eq!(ev("aws_vpc.main.x ? 1 : 2"), Value::Unknown);
        assert_eq!(ev("each.key"), Value::Unknown);
        assert_eq!(ev("count.index"), Value::Unknown);
        assert_eq!(ev("path.module"), Value::Unknown);
        assert_eq!(ev("self.id"), Value::Unknown);
        assert_eq!(ev("file(\"x.txt\")"), Value::Unknown);
        assert_eq!(ev("no_such_function(1)"), Value::Unknown);
        assert_eq!(ev("provider::aws::arn_parse(\"x\")"), Value::Unknown);
    }

    #[test]
    fn known_parts_stay_known_around_an_unknown() {
        let v = ev(r#"{Name = "x", Id = aws_vpc.main.id, list = [1, data.a.b.c]}"#);
        assert_eq!(v.get("Name"), Some(&Value::from("x")));
        assert_eq!(v.get("Id"), Some(&Value::Unknown));
        assert_eq!(
            v.get("list"),
            Some(&Value::List(vec![Value::int(1), Value::Unknown]))
        );
        // A template with an unknown part is unknown as a whole.
        assert_eq!(ev(r#""${aws_vpc.main.id}-x""#), Value::Unknown);
    }

    #[test]
    fn variables_and_locals_in_any_order() {
        let v = eval_with(
            "local.c",
            &[("env", Value::from("prod"))],
            &[
                ("c", "\"${local.b}-c\""),
                ("b", "\"${local.a}-b\""),
                ("a", "var.env"),
            ],
        );
        assert_eq!(v, Value::from("prod-b-c"));
        // Unknown variables (no default, no value) stay unknown.
        assert_eq!(eval_with("var.missing", &[], &[]), Value::Unknown);
    }

    #[test]
    fn local_cycles_are_unknown() {
        let locals = [("a", "local.b"), ("b", "\"x${local.a}\""), ("c", "local.c")];
        assert_eq!(eval_with("local.a", &[], &locals), Value::Unknown);
        assert_eq!(eval_with("local.c", &[], &locals), Value::Unknown);
        assert_eq!(
            eval_with("local.nope", &[], &locals),
            Value::Unknown,
            "undeclared local"
        );
    }

    #[test]
    fn templates_and_heredocs() {
        assert_eq!(
            eval_with(r#""${var.a}-${1 + 1}""#, &[("a", Value::from("x"))], &[]),
            Value::from("x-2")
        );
        assert_eq!(ev(r#""$${literal}""#), Value::from("${literal}"));
        assert_eq!(ev(r#""a\nb\"""#), Value::from("a\nb\""));
        assert_eq!(
            ev("\"${[1]}\""),
            json("[1]"),
            "a lone interpolation keeps its type"
        );
        assert_eq!(
            ev(r#""%{ for x in ["a", "b"] }${x},%{ endfor }""#),
            Value::from("a,b,")
        );
        assert_eq!(
            ev(r#""%{ if true }yes%{ else }no%{ endif }""#),
            Value::from("yes")
        );
        assert_eq!(ev(r#""a ${~ "b" ~} c""#), Value::from("abc"));
        let heredoc = ev("<<-EOT\n    hello\n      world\n    EOT");
        assert_eq!(heredoc, Value::from("hello\n  world\n"));
        let plain = ev("<<EOT\nx ${1}\nEOT");
        assert_eq!(plain, Value::from("x 1\n"));
    }

    #[test]
    fn for_expressions_and_splats() {
        assert_eq!(ev("[for x in [1, 2, 3] : x * 2 if x > 1]"), json("[4, 6]"));
        assert_eq!(
            ev(r"{for k, v in {a = 1, b = 2} : upper(k) => v}"),
            json(r#"{"A": 1, "B": 2}"#)
        );
        assert_eq!(
            ev(r#"{for x in ["a", "b", "a"] : x => x...}"#),
            json(r#"{"a": ["a", "a"], "b": ["b"]}"#)
        );
        assert_eq!(ev("[for x in aws_instance.a : x.id]"), Value::Unknown);
        assert_eq!(
            ev("[for x in [1, aws_instance.a.id] : x]"),
            Value::List(vec![Value::int(1), Value::Unknown])
        );
        assert_eq!(ev(r"[{a = 1}, {a = 2}][*].a"), json("[1, 2]"));
        assert_eq!(ev(r"[{a = {b = 1}}].*.a.b"), json("[1]"));
        assert_eq!(ev(r"{a = 1}[*].a"), json("[1]"));
        assert_eq!(ev("null[*]"), json("[]"));
        assert_eq!(ev("aws_instance.a[*].id"), Value::Unknown);
    }

    #[test]
    fn index_and_attribute_access() {
        assert_eq!(ev(r"{a = [10, 20]}.a[1]"), Value::int(20));
        assert_eq!(ev(r#"{a = [10, 20]}["a"].0"#), Value::int(10));
        assert_eq!(ev(r"[1][5]"), Value::Unknown, "out of range is an error");
        assert_eq!(ev(r"{a = 1}.b"), Value::Unknown, "missing key is an error");
        assert_eq!(ev(r#"try({a = 1}.b, "dflt")"#), Value::from("dflt"));
        assert_eq!(ev(r"can({a = 1}.b)"), Value::Bool(false));
        assert_eq!(ev(r"can({a = 1}.a)"), Value::Bool(true));
        assert_eq!(ev(r"can(aws_vpc.x.id)"), Value::Unknown);
        assert_eq!(ev(r#"try(aws_vpc.x.id, "a")"#), Value::Unknown);
    }

    #[test]
    fn sensitive_values_stay_marked_through_operations() {
        let secret = Value::Sensitive(Box::new(Value::from("s3cr3t")));
        let v = eval_with(r#""pw=${var.p}""#, &[("p", secret.clone())], &[]);
        assert!(v.is_sensitive());
        let v = eval_with(r"upper(var.p)", &[("p", secret.clone())], &[]);
        assert!(v.is_sensitive());
        let v = eval_with(r#"{a = var.p, b = "x"}"#, &[("p", secret)], &[]);
        assert!(v.get("a").unwrap().is_sensitive());
        assert!(!v.get("b").unwrap().is_sensitive());
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let src = format!("{}1{}", "(".repeat(150), ")".repeat(150));
        if let Ok(expr) = hcl_edit::parser::parse_expr(&src) {
            let _ = Env::default().value_of(&expr);
        }
    }
}
