// Every component template's own test file (its interface's conformance kit against the template's
// example implementation), run in place: a scaffold starts from code that passes its kit.
await import('../templates/component-rkalloc/test/conformance.test');
await import('../templates/component-rksched/test/conformance.test');
await import('../templates/component-rkblkdev/test/conformance.test');
await import('../templates/component-rknetdev/test/conformance.test');
await import('../templates/component-vfscore/test/conformance.test');
await import('../templates/component-rkpci/test/conformance.test');

export {};
