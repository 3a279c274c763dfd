import '@nutui/nutui-react-taro/dist/es/packages/button/style/css'
import './app.css'

import type { PropsWithChildren } from 'react'

import { takeTokensFromFragment } from './lib/api'

// The official account's OAuth landing hands the tokens over in the fragment. They are taken
// as the app loads, before the router rewrites the address (`/h5/` → `/h5/pages/index/index`
// drops the fragment), and taken out of the address bar, so out of history and screenshots.
if (process.env.TARO_ENV === 'h5' && takeTokensFromFragment(window.location.hash)) {
  window.history.replaceState(null, '', window.location.pathname + window.location.search)
}

function App({ children }: PropsWithChildren) {
  return children
}

export default App
