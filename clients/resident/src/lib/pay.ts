// Paying on the channel the resident is in: wx.requestPayment in the WeChat mini-program,
// my.tradePay in Alipay's, WeChat JSAPI inside WeChat's browser, the Alipay wap page or the
// sandbox cashier in a plain browser. Every way ends on the payment page, which asks the server
// (never the client) whether the order is paid.
import Taro from '@tarojs/taro'

import { go, replace } from './nav'

export interface PaymentStart {
  out_trade_no: string
  provider: string
  trade_type: string
  amount_fen: number
  expires_at: string
  pay: Record<string, string>
}

export function paymentPage(order: string): string {
  return `pages/payments/detail?order=${encodeURIComponent(order)}`
}

function inWeChatBrowser(): boolean {
  return typeof navigator !== 'undefined' && /MicroMessenger/i.test(navigator.userAgent)
}

export async function startPayment(start: PaymentStart): Promise<void> {
  const pay = start.pay
  const result = paymentPage(start.out_trade_no)
  if (process.env.TARO_ENV === 'weapp' && pay.paySign) {
    await Taro.requestPayment({
      timeStamp: pay.timeStamp,
      nonceStr: pay.nonceStr,
      package: pay.package,
      signType: pay.signType as 'RSA',
      paySign: pay.paySign,
    }).catch(() => undefined) // cancelled or failed: the payment page says which
    go(result)
    return
  }
  if (process.env.TARO_ENV === 'alipay' && pay.tradeNO) {
    await (Taro as any).tradePay({ tradeNO: pay.tradeNO }).catch(() => undefined)
    go(result)
    return
  }
  if (process.env.TARO_ENV === 'h5') {
    const bridge = (window as any).WeixinJSBridge
    if (pay.paySign && inWeChatBrowser() && bridge) {
      await new Promise((resolve) => bridge.invoke('getBrandWCPayRequest', pay, resolve))
      go(result)
      return
    }
    const away = pay.cashier_url ?? pay.url ?? pay.h5_url
    if (away) {
      const back = `/h5/${result}`
      const join = away.includes('?') ? '&' : '?'
      window.location.href = pay.cashier_url ? `${away}${join}return_to=${encodeURIComponent(back)}` : away
      return
    }
  }
  replace(result)
}
