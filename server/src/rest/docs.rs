//! `/api/v1/docs`: the REST API's reference, rendered on the server from the OpenAPI document
//! (so it can never disagree with it): endpoints with parameters, bodies, responses, examples
//! and curl commands, then every schema. Plain HTML and CSS, nothing loaded from elsewhere.

use axum::http::{header, HeaderMap};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Map, Value};
use std::fmt::Write;

/// The docs page. The curl examples use the host the page was requested from.
pub async fn page(headers: HeaderMap) -> Response {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("127.0.0.1:3000");
    let doc: Value = serde_json::from_str(super::openapi_text()).unwrap_or(Value::Null);
    Html(render(&doc, &format!("http://{host}"))).into_response()
}

/// Escapes text for HTML (the drawings' escaping: the same five characters).
use app::domain::drawing::escape as esc;

/// Text with `code spans` rendered as `<code>`.
fn prose(s: &str) -> String {
    esc(s)
        .split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{part}</code>")
            } else {
                part.to_string()
            }
        })
        .collect()
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// The component name a `$ref` points at.
fn ref_name(v: &Value) -> Option<&str> {
    v.get("$ref")?.as_str()?.rsplit('/').next()
}

/// A short type for a schema: `string (uuid)`, `MeasureInfo[]`, `number | null`, a link for refs.
fn type_of(schema: &Value) -> String {
    if let Some(name) = ref_name(schema) {
        return format!("<a href=\"#schema-{0}\">{0}</a>", esc(name));
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(list) = schema.get(key).and_then(Value::as_array) {
            return list.iter().map(type_of).collect::<Vec<_>>().join(" | ");
        }
    }
    let types: Vec<String> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect(),
        _ => vec![],
    };
    let named: Vec<String> = types
        .iter()
        .map(|t| match t.as_str() {
            "array" => format!("{}[]", schema.get("items").map(type_of).unwrap_or_default()),
            "string" if schema.get("format").is_some() => {
                format!("string ({})", esc(str_of(schema, "format")))
            }
            "integer" => "integer".into(),
            other => esc(other),
        })
        .collect();
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let values: Vec<String> = values
            .iter()
            .map(|v| format!("<code>{}</code>", esc(&v.to_string())))
            .collect();
        return format!("one of {}", values.join(", "));
    }
    if named.is_empty() {
        "any".into()
    } else {
        named.join(" | ")
    }
}

/// An example value for a schema: its own example, else one built from its parts.
fn example(schema: &Value, components: &Map<String, Value>, depth: usize) -> Value {
    if depth > 8 {
        return Value::Null;
    }
    if let Some(e) = schema.get("example") {
        return e.clone();
    }
    if let Some(e) = schema
        .get("examples")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
    {
        return e.clone();
    }
    if let Some(name) = ref_name(schema) {
        return components
            .get(name)
            .map(|s| example(s, components, depth + 1))
            .unwrap_or(Value::Null);
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(first) = schema
            .get(key)
            .and_then(Value::as_array)
            .and_then(|a| a.iter().find(|s| str_of(s, "type") != "null"))
        {
            return example(first, components, depth + 1);
        }
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
    {
        return first.clone();
    }
    let kind = match schema.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ if schema.get("properties").is_some() => "object",
        _ => "null",
    };
    match kind {
        "object" => {
            let props = schema
                .get("properties")
                .and_then(Value::as_object)
                .map(|props| {
                    props
                        .iter()
                        .map(|(k, v)| (k.clone(), example(v, components, depth + 1)))
                        .collect::<Map<_, _>>()
                })
                .unwrap_or_default();
            Value::Object(props)
        }
        "array" => Value::Array(vec![schema
            .get("items")
            .map(|i| example(i, components, depth + 1))
            .unwrap_or(Value::Null)]),
        "string" => Value::String("text".into()),
        "integer" => Value::from(0),
        "number" => Value::from(0.0),
        "boolean" => Value::Bool(true),
        _ => Value::Null,
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// The whole page.
pub fn render(doc: &Value, base: &str) -> String {
    let empty = Map::new();
    let components = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut operations: Vec<(String, String, &Value)> = Vec::new();
    for (path, item) in paths {
        for method in ["get", "post", "put", "patch", "delete"] {
            if let Some(op) = item.get(method) {
                operations.push((method.to_string(), path.clone(), op));
            }
        }
    }
    // Reads first, in path order; writes after them.
    operations.sort_by(|a, b| (a.0 != "get", &a.1).cmp(&(b.0 != "get", &b.1)));
    let mut nav = String::new();
    let mut body = String::new();
    for (method, path, op) in &operations {
        let anchor = anchor_of(method, path);
        let _ = write!(
            nav,
            "<li><a href=\"#{anchor}\"><span class=\"verb verb-{method}\">{}</span> {}</a></li>",
            method.to_uppercase(),
            esc(path)
        );
        body.push_str(&operation(method, path, op, components, base));
    }
    let mut schema_nav = String::new();
    let mut schemas = String::new();
    for (name, schema) in components {
        let _ = write!(
            schema_nav,
            "<li><a href=\"#schema-{0}\">{0}</a></li>",
            esc(name)
        );
        schemas.push_str(&schema_section(name, schema));
    }
    let base_html = esc(base);
    let title = esc(doc
        .pointer("/info/title")
        .and_then(Value::as_str)
        .unwrap_or("API"));
    let version = esc(doc
        .pointer("/info/version")
        .and_then(Value::as_str)
        .unwrap_or(""));
    let description = prose(
        doc.pointer("/info/description")
            .and_then(Value::as_str)
            .unwrap_or(""),
    );
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} v{version} · Cairn</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>{CSS}</style>
</head>
<body>
<nav class="side" aria-label="API reference">
  <a class="brand" href="/"><span aria-hidden="true">▲</span> Cairn</a>
  <p class="side-title">REST API v{version}</p>
  <h2>Endpoints</h2>
  <ul>{nav}</ul>
  <h2>Schemas</h2>
  <ul class="schemas">{schema_nav}</ul>
</nav>
<main>
  <header>
    <h1>{title} <span class="version">v{version}</span></h1>
    <p class="lead">{description}</p>
    <div class="cards">
      <section class="card"><h2>Base URL</h2><p><code>{base_html}/api/v1</code></p></section>
      <section class="card"><h2>Authentication</h2><p>Every request carries <code>Authorization: Bearer &lt;token&gt;</code>. Admins create tokens on the <a href="/admin/tokens">API tokens</a> page; the secret is shown once.</p></section>
      <section class="card"><h2>Machine-readable</h2><p>The OpenAPI 3 document: <a href="/api/v1/openapi.json"><code>/api/v1/openapi.json</code></a></p></section>
    </div>
    <section class="errors">
      <h2>Errors</h2>
      <p>Every error is JSON <code>{{"code", "message", "details"}}</code>; <code>details</code> lists the rows (by <code>index</code>) or fields at fault.</p>
      <table>
        <thead><tr><th scope="col">Status</th><th scope="col">code</th><th scope="col">When</th></tr></thead>
        <tbody>
          <tr><td>400</td><td><code>bad_request</code></td><td>The body is not JSON of the documented shape, or a query parameter or id is malformed.</td></tr>
          <tr><td>401</td><td><code>unauthorized</code></td><td>No token, a malformed <code>Authorization</code> header, an unknown or a revoked token (with <code>WWW-Authenticate: Bearer</code>).</td></tr>
          <tr><td>403</td><td><code>forbidden</code></td><td>Outside the token's org units, or a read-only token writing.</td></tr>
          <tr><td>404</td><td><code>not_found</code></td><td>No such map, measure or endpoint.</td></tr>
          <tr><td>413</td><td><code>payload_too_large</code></td><td>A body over 1 MiB.</td></tr>
          <tr><td>422</td><td><code>validation_failed</code></td><td>Rows that break the rules: bad period, missing or non-finite value, formula measure, the same measure and period twice, more than 1,000 rows.</td></tr>
          <tr><td>429</td><td><code>rate_limited</code></td><td>More than 20 requests a second with one token (bursts of 120 allowed); wait the <code>Retry-After</code> seconds.</td></tr>
        </tbody>
      </table>
    </section>
  </header>
  {body}
  <h2 class="part">Schemas</h2>
  {schemas}
</main>
</body>
</html>"#
    )
}

fn anchor_of(method: &str, path: &str) -> String {
    let slug: String = path
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("{method}{slug}")
}

/// One endpoint: summary, description, parameters, body, responses, curl.
fn operation(
    method: &str,
    path: &str,
    op: &Value,
    components: &Map<String, Value>,
    base: &str,
) -> String {
    let anchor = anchor_of(method, path);
    let summary = str_of(op, "summary");
    let mut out = format!(
        "<section class=\"op\" id=\"{anchor}\" aria-labelledby=\"{anchor}-title\">\
         <h2 id=\"{anchor}-title\"><span class=\"verb verb-{method}\">{}</span> <code class=\"path\">{}</code></h2>\
         <p class=\"summary\">{}</p>",
        method.to_uppercase(),
        esc(path),
        prose(summary)
    );
    let description = str_of(op, "description");
    if !description.is_empty() {
        let _ = write!(out, "<p>{}</p>", prose(description));
    }
    if let Some(params) = op.get("parameters").and_then(Value::as_array) {
        out.push_str(
            "<h3>Parameters</h3><table><thead><tr><th scope=\"col\">Name</th><th scope=\"col\">In</th>\
             <th scope=\"col\">Type</th><th scope=\"col\">Description</th></tr></thead><tbody>",
        );
        for p in params {
            let required = if p.get("required").and_then(Value::as_bool) == Some(true) {
                " <span class=\"req\">required</span>"
            } else {
                ""
            };
            let _ = write!(
                out,
                "<tr><td><code>{}</code>{required}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(str_of(p, "name")),
                esc(str_of(p, "in")),
                p.get("schema").map(type_of).unwrap_or_default(),
                prose(str_of(p, "description"))
            );
        }
        out.push_str("</tbody></table>");
    }
    let mut body_example = None;
    if let Some(body) = op.pointer("/requestBody/content/application~1json") {
        let schema = body.get("schema").cloned().unwrap_or(Value::Null);
        let ex = body
            .get("example")
            .cloned()
            .unwrap_or_else(|| example(&schema, components, 0));
        let _ = write!(
            out,
            "<h3>Request body</h3><p>{} — JSON.</p><pre class=\"json\">{}</pre>",
            type_of(&schema),
            esc(&pretty(&ex))
        );
        body_example = Some(ex);
    }
    out.push_str("<h3>Responses</h3><dl class=\"responses\">");
    if let Some(responses) = op.get("responses").and_then(Value::as_object) {
        for (status, r) in responses {
            let schema = r.pointer("/content/application~1json/schema");
            let class = if status.starts_with('2') { "ok" } else { "err" };
            let _ = write!(
                out,
                "<div><dt><span class=\"status status-{class}\">{}</span></dt><dd>{} {}</dd></div>",
                esc(status),
                prose(str_of(r, "description")),
                schema
                    .map(|s| format!("→ {}", type_of(s)))
                    .unwrap_or_default()
            );
        }
    }
    out.push_str("</dl>");
    if let Some(schema) = op.pointer("/responses/200/content/application~1json/schema") {
        let _ = write!(
            out,
            "<details><summary>Example response (200)</summary><pre class=\"json\">{}</pre></details>",
            esc(&pretty(&example(schema, components, 0)))
        );
    }
    let _ = write!(
        out,
        "<h3>Example</h3><pre class=\"shell\">{}</pre></section>",
        esc(&curl(method, path, op, base, body_example.as_ref()))
    );
    out
}

/// A curl command for an operation, with example ids and query parameters filled in.
fn curl(method: &str, path: &str, op: &Value, base: &str, body: Option<&Value>) -> String {
    let mut url = path.replace("{id}", "$ID");
    let query: Vec<String> = op
        .get("parameters")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .filter(|p| str_of(p, "in") == "query")
                .filter_map(|p| {
                    let ex = p
                        .get("example")
                        .or_else(|| p.pointer("/schema/example"))
                        .and_then(Value::as_str)?;
                    Some(format!("{}={ex}", str_of(p, "name")))
                })
                .collect()
        })
        .unwrap_or_default();
    if !query.is_empty() {
        url = format!("{url}?{}", query.join("&"));
    }
    let mut cmd = String::from("curl");
    if method != "get" {
        let _ = write!(cmd, " -X {}", method.to_uppercase());
    }
    let _ = write!(
        cmd,
        " \"{base}{url}\" \\\n  -H \"Authorization: Bearer $CAIRN_TOKEN\""
    );
    if let Some(body) = body {
        let _ = write!(
            cmd,
            " \\\n  -H \"Content-Type: application/json\" \\\n  -d '{}'",
            pretty(body).replace('\'', "'\\''")
        );
    }
    cmd
}

/// One schema: its description and its properties (or enum values).
fn schema_section(name: &str, schema: &Value) -> String {
    let mut out = format!(
        "<section class=\"schema\" id=\"schema-{0}\" aria-label=\"Schema {0}\"><h3>{0}</h3>",
        esc(name)
    );
    let description = str_of(schema, "description");
    if !description.is_empty() {
        let _ = write!(out, "<p>{}</p>", prose(description));
    }
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        out.push_str(
            "<table><thead><tr><th scope=\"col\">Field</th><th scope=\"col\">Type</th>\
             <th scope=\"col\">Description</th></tr></thead><tbody>",
        );
        for (field, p) in props {
            let req = if required.contains(&field.as_str()) {
                " <span class=\"req\">required</span>"
            } else {
                ""
            };
            let _ = write!(
                out,
                "<tr><td><code>{}</code>{req}</td><td>{}</td><td>{}</td></tr>",
                esc(field),
                type_of(p),
                prose(str_of(p, "description"))
            );
        }
        out.push_str("</tbody></table>");
    } else {
        let _ = write!(out, "<p>{}</p>", type_of(schema));
    }
    if let Some(variants) = schema.get("oneOf").and_then(Value::as_array) {
        out.push_str("<ul>");
        for v in variants {
            let _ = write!(
                out,
                "<li>{} — {}</li>",
                type_of(v),
                prose(str_of(v, "description"))
            );
        }
        out.push_str("</ul>");
    }
    out.push_str("</section>");
    out
}

const CSS: &str = r#"
:root { --ink:#1e293b; --muted:#64748b; --line:#e2e8f0; --bg:#f8fafc; --accent:#0f766e; --code:#0f172a; }
* { box-sizing: border-box; }
body { margin:0; font:16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--ink); background:#fff; display:grid; grid-template-columns: 310px 1fr; }
a { color: var(--accent); }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .9em; background: #f1f5f9; padding: .05em .3em; border-radius: 4px; }
.side { position: sticky; top:0; height:100vh; overflow:auto; background: var(--bg); border-right:1px solid var(--line); padding: 1.2rem 1rem; font-size:.92rem; }
.side .brand { font-weight:700; font-size:1.2rem; text-decoration:none; color:var(--ink); }
.side .brand span { color: var(--accent); }
.side-title { color: var(--muted); margin:.2rem 0 1rem; }
.side h2 { font-size:.75rem; text-transform:uppercase; letter-spacing:.06em; color:var(--muted); margin:1.2rem 0 .4rem; }
.side ul { list-style:none; margin:0; padding:0; }
.side li a { display:flex; align-items:center; gap:.4rem; padding:.28rem .4rem; border-radius:6px; text-decoration:none; color:var(--ink); font-family: ui-monospace, Menlo, Consolas, monospace; font-size:.8rem; white-space:nowrap; }
.side li a:hover, .side li a:focus { background:#e2e8f0; }
.side ul.schemas a { font-family: ui-monospace, Menlo, Consolas, monospace; font-size:.85rem; }
main { padding: 2rem 3rem 4rem; max-width: 1100px; }
h1 { font-size: 2rem; margin: 0 0 .4rem; }
h1 .version { font-size:1rem; color:var(--muted); font-weight:500; }
.lead { font-size:1.05rem; color:#334155; max-width: 60rem; }
.cards { display:grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 1rem; margin: 1.5rem 0; }
.card { border:1px solid var(--line); border-radius:10px; padding: .8rem 1rem; background: var(--bg); }
.card h2 { font-size: .8rem; text-transform:uppercase; letter-spacing:.06em; color:var(--muted); margin:0 0 .3rem; }
.card p { margin:0; }
.errors h2, h2.part { font-size:1.4rem; margin-top:2.5rem; }
.op { border-top: 1px solid var(--line); padding-top: 1.6rem; margin-top: 2rem; }
.op h2 { font-size: 1.25rem; margin: 0; display:flex; align-items:center; gap:.6rem; }
.op h2 code.path { background:none; font-size:1.1rem; padding:0; }
.op .summary { font-size: 1.05rem; margin:.4rem 0; }
.op h3 { font-size: .8rem; text-transform: uppercase; letter-spacing:.06em; color: var(--muted); margin: 1.3rem 0 .4rem; }
.verb { display:inline-block; min-width: 3.6em; text-align:center; font: 700 .72rem/1.8 ui-monospace, Menlo, monospace; border-radius: 5px; color:#fff; padding: 0 .4em; }
.verb-get { background:#0369a1; } .verb-post { background:#15803d; } .verb-put, .verb-patch { background:#b45309; } .verb-delete { background:#b91c1c; }
table { border-collapse: collapse; width:100%; font-size:.93rem; }
th, td { text-align:left; vertical-align: top; padding:.45rem .6rem; border-bottom:1px solid var(--line); }
th { font-size:.78rem; text-transform:uppercase; letter-spacing:.05em; color:var(--muted); }
.req { font-size:.7rem; color:#b91c1c; text-transform: uppercase; letter-spacing:.04em; margin-left:.3rem; }
pre { background: var(--code); color:#e2e8f0; padding: .9rem 1.1rem; border-radius: 10px; overflow:auto; font: .85rem/1.5 ui-monospace, Menlo, Consolas, monospace; }
dl.responses { margin:0; }
dl.responses div { display:flex; gap:.8rem; padding:.3rem 0; border-bottom:1px solid var(--line); }
dl.responses dt { margin:0; } dl.responses dd { margin:0; }
.status { display:inline-block; min-width:3em; text-align:center; font: 700 .8rem/1.7 ui-monospace, Menlo, monospace; border-radius:5px; }
.status-ok { background:#dcfce7; color:#166534; } .status-err { background:#fee2e2; color:#991b1b; }
details { margin-top:.8rem; } summary { cursor:pointer; color: var(--accent); }
.schema { border:1px solid var(--line); border-radius:10px; padding: .6rem 1rem 1rem; margin: 1rem 0; }
.schema h3 { font-family: ui-monospace, Menlo, Consolas, monospace; margin:.3rem 0; }
@media (max-width: 800px) { body { grid-template-columns: 1fr; } .side { position: static; height:auto; } main { padding: 1rem; } }
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_renders_code_spans() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(prose("use `GET` <now>"), "use <code>GET</code> &lt;now&gt;");
    }

    #[test]
    fn examples_follow_refs_and_types() {
        let components: Map<String, Value> = serde_json::from_value(serde_json::json!({
            "Row": {"type": "object", "properties": {
                "period": {"type": "string", "example": "2026-03"},
                "value": {"type": ["number", "null"]},
                "tags": {"type": "array", "items": {"type": "string"}}
            }}
        }))
        .unwrap();
        let ex = example(
            &serde_json::json!({"$ref": "#/components/schemas/Row"}),
            &components,
            0,
        );
        assert_eq!(
            ex,
            serde_json::json!({"period": "2026-03", "value": 0.0, "tags": ["text"]})
        );
    }

    #[test]
    fn the_page_lists_every_operation_and_schema() {
        let doc: Value = serde_json::from_str(crate::rest::openapi_text()).unwrap();
        let html = render(&doc, "http://127.0.0.1:3000");
        for path in [
            "/api/v1/maps",
            "/api/v1/actuals",
            "/api/v1/maps/{id}/scores",
            "/api/v1/people",
            "/api/v1/people/{id}",
            "/api/v1/people/invitations",
        ] {
            assert!(
                html.contains(&format!("<code class=\"path\">{}</code>", esc(path))),
                "{path}"
            );
        }
        assert!(html.contains("id=\"schema-ErrorBody\""));
        assert!(html.contains("curl -X POST &quot;http://127.0.0.1:3000/api/v1/actuals&quot;"));
        assert!(
            !html.contains("<script"),
            "no scripts, nothing loaded from elsewhere"
        );
    }
}
