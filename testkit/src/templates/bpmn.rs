//! A variant as the BPMN file Camunda Modeler saves: one process with one service task.

use super::model::ElementTemplate;
use super::variants::Variant;

/// The service task's id in [`bpmn`]'s output.
pub const TASK_ID: &str = "RestTask";

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

/// The BPMN XML of `variant` of `template`.
pub fn bpmn(template: &ElementTemplate, variant: &Variant) -> String {
    let mut x = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.9.0">
  <bpmn:process id="Process_1" isExecutable="true">
"#,
    );
    x.push_str(&format!(
        "    <bpmn:serviceTask id=\"{TASK_ID}\" name=\"{}\" zeebe:modelerTemplate=\"{}\" zeebe:modelerTemplateVersion=\"{}\">\n      <bpmn:extensionElements>\n",
        escape(&template.name),
        escape(&template.id),
        template.version
    ));
    x.push_str(&format!(
        "        <zeebe:taskDefinition type=\"{}\"{} />\n",
        escape(&variant.job_type),
        variant
            .retries
            .as_ref()
            .map(|r| format!(" retries=\"{}\"", escape(r)))
            .unwrap_or_default()
    ));
    if !variant.inputs.is_empty() {
        x.push_str("        <zeebe:ioMapping>\n");
        for (source, target) in &variant.inputs {
            x.push_str(&format!(
                "          <zeebe:input source=\"{}\" target=\"{}\" />\n",
                escape(source),
                escape(target)
            ));
        }
        x.push_str("        </zeebe:ioMapping>\n");
    }
    if !variant.headers.is_empty() {
        x.push_str("        <zeebe:taskHeaders>\n");
        for (key, value) in &variant.headers {
            x.push_str(&format!(
                "          <zeebe:header key=\"{}\" value=\"{}\" />\n",
                escape(key),
                escape(value)
            ));
        }
        x.push_str("        </zeebe:taskHeaders>\n");
    }
    x.push_str("      </bpmn:extensionElements>\n    </bpmn:serviceTask>\n  </bpmn:process>\n</bpmn:definitions>\n");
    x
}
