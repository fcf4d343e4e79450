// The part of the WebAssembly JS API libc-shim uses. TypeScript ships these in lib.dom only, which
// kernel packages do not load (no DOM exists in the guest realm); the realm has the real objects.
declare global {
  namespace WebAssembly {
    type ImportExportKind = 'function' | 'global' | 'memory' | 'table' | 'tag';
    /** A function's type, as type reflection reports it (present where JSPI is: V8 11.3+ flags). */
    interface FunctionType {
      parameters: ValueType[];
      results: ValueType[];
    }
    type ValueType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'externref' | 'funcref';
    interface ModuleImportDescriptor {
      module: string;
      name: string;
      kind: ImportExportKind;
      type?: FunctionType;
    }
    interface ModuleExportDescriptor {
      name: string;
      kind: ImportExportKind;
    }
    type ExportValue = unknown;
    type Exports = Record<string, ExportValue>;
    type Imports = Record<string, Record<string, unknown>>;
    class Module {
      constructor(bytes: BufferSource);
      static imports(m: Module): ModuleImportDescriptor[];
      static exports(m: Module): ModuleExportDescriptor[];
      static customSections(m: Module, name: string): ArrayBuffer[];
    }
    class Instance {
      constructor(m: Module, imports?: Imports);
      readonly exports: Exports;
    }
    class Memory {
      constructor(d: { initial: number; maximum?: number; shared?: boolean });
      readonly buffer: ArrayBuffer | SharedArrayBuffer;
      grow(delta: number): number;
    }
    class Global {
      constructor(d: { value: ValueType; mutable?: boolean }, v?: unknown);
      value: unknown;
    }
    class RuntimeError extends Error {}
    class CompileError extends Error {}
    class LinkError extends Error {}
    function compile(bytes: BufferSource): Promise<Module>;
    function instantiate(m: Module, imports?: Imports): Promise<Instance>;
    function validate(bytes: BufferSource): boolean;
  }
}

export {};
