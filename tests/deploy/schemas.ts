import { join } from "node:path";
import ts from "typescript";

/**
 * Schema checks for Kubernetes objects without a cluster or a kubeconform binary.
 *
 * 1. `validateObject`: the object's kubernetes-models class (or @kubernetes-models/keda's, for KEDA's CRDs)
 *    checks it against the official OpenAPI schema — types, required fields, enums, formats.
 * 2. `unknownFields`: what `kubeconform -strict` adds — a field the schema does not have (`readinesProbe`) is an
 *    error, where the OpenAPI validation above lets it through (the schemas allow additional properties) and the
 *    API server would drop it in silence. The same packages ship a TypeScript interface per kind; each object is
 *    written out as an object literal that must satisfy its interface, and TypeScript's excess-property check
 *    reports a name the interface lacks, at any depth (the first such problem per object), and wrong types.
 */

export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string }; [k: string]: unknown };

/** The module of a kind's model: core `v1` → kubernetes-models/v1/Kind, `keda.sh/…` → @kubernetes-models/keda. */
export function modelModule(apiVersion: string, kind: string): string {
  if (apiVersion.startsWith("keda.sh/")) return `@kubernetes-models/keda/${apiVersion}/${kind}`;
  return `kubernetes-models/${apiVersion}/${kind}`;
}

/** Throws what the official schema says is wrong with the object. */
export async function validateObject(m: K8sObject): Promise<void> {
  const mod = (await import(modelModule(m.apiVersion, m.kind))) as Record<
    string,
    new (
      data: unknown,
    ) => { validate(): void }
  >;
  const Model = mod[m.kind];
  if (!Model) throw new Error(`no model for ${m.apiVersion} ${m.kind}`);
  new Model(m).validate();
}

const here = import.meta.dirname;

/** Every field name, at any depth, that the object's kind does not have; by object (`Kind/name`). */
export function unknownFields(objects: readonly K8sObject[]): Map<string, string[]> {
  const file = join(here, "__manifests_strict__.ts");
  const lines = objects.map((m, i) => {
    // One object per line, so a diagnostic's line names its object.
    return `export const o${i} = ${JSON.stringify(m)} satisfies import(${JSON.stringify(modelModule(m.apiVersion, m.kind))}).I${m.kind};`;
  });
  const source = lines.join("\n");
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2024,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (name, lang, ...rest) =>
    name === file ? ts.createSourceFile(name, source, lang) : getSourceFile(name, lang, ...rest);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  const problems = new Map<string, string[]>();
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
    const m = objects[line];
    const key = m ? `${m.kind}/${m.metadata.name}` : "(program)";
    problems.set(key, [...(problems.get(key) ?? []), text]);
  }
  return problems;
}
