import { defineConfig, type UserConfigExport } from '@tarojs/cli'

import devConfig from './dev'
import prodConfig from './prod'

// The Alipay platform plugin adds `.browserslistrc` to the mini-program's files (for Alipay's
// developer tool), but Taro's Vite runner only lets a build hook replace files the bundle has:
// emitting the file first gives that hook one to replace.
const browserslistAsset = {
  name: 'govhub:alipay-browserslistrc',
  enforce: 'pre' as const,
  generateBundle(this: { emitFile: (file: object) => void }) {
    if (process.env.TARO_ENV === 'alipay') {
      this.emitFile({ type: 'asset', fileName: '.browserslistrc', source: '' })
    }
  },
}

// One codebase, three outputs: dist/h5 (served by GovHub at /h5/), dist/weapp, dist/alipay.
const platform = process.env.TARO_ENV ?? 'h5'

export default defineConfig<'vite'>(async (merge) => {
  const baseConfig: UserConfigExport<'vite'> = {
    projectName: 'govhub-resident',
    date: '2026-12-06',
    designWidth: 750,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot: `dist/${platform}`,
    plugins: [],
    defineConstants: {},
    copy: { patterns: [], options: {} },
    framework: 'react',
    compiler: { type: 'vite', vitePlugins: [browserslistAsset] },
    mini: {
      postcss: {
        pxtransform: { enable: true, config: {} },
      },
    },
    h5: {
      publicPath: '/h5/',
      staticDirectory: 'static',
      router: { mode: 'browser', basename: '/h5' },
      postcss: {
        autoprefixer: { enable: true, config: {} },
      },
    },
  }
  return merge({}, baseConfig, process.env.NODE_ENV === 'development' ? devConfig : prodConfig)
})
