import { SandboxError } from './errors.js';
import { parseImages } from './images.js';

describe('parseImages', () => {
  it('reads the registry, tag and references', () => {
    expect(
      parseImages(
        '{"registry":"r","tag":"dev-1","images":{"imc-dispatcher":"r/imc-dispatcher:dev-1"}}',
      ),
    ).toEqual({
      registry: 'r',
      tag: 'dev-1',
      images: { 'imc-dispatcher': 'r/imc-dispatcher:dev-1' },
    });
  });

  it.each([
    ['not JSON', '{'],
    ['no tag', '{"registry":"r","images":{}}'],
    ['an empty tag', '{"registry":"r","tag":"","images":{}}'],
    ['no images', '{"registry":"r","tag":"t"}'],
    ['null', 'null'],
  ])('refuses %s with a next step', (_what, text) => {
    expect(() => parseImages(text)).toThrow(SandboxError);
  });
});
