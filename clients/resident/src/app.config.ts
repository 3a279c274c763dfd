// Every page of the three builds. Paths are the contract with the server: notifications and the
// official account's menu link to them (notify/templates.py, channels/wechat/render.py).
export default defineAppConfig({
  pages: [
    'pages/index/index',
    'pages/login/index',
    'pages/catalog/list',
    'pages/catalog/item',
    'pages/appointments/book',
    'pages/appointments/mine',
    'pages/queue/take',
    'pages/queue/mine',
    'pages/bills/index',
    'pages/traffic/index',
    'pages/payments/detail',
    'pages/receipts/index',
    'pages/receipts/detail',
    'pages/demands/detail',
    'pages/applications/mine',
    'pages/applications/apply',
    'pages/applications/detail',
    'pages/me/index',
    'pages/me/real-name',
    'pages/ratings/mine',
    'pages/ratings/rate',
  ],
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: 'GovHub 城市服务',
    navigationBarTextStyle: 'black',
  },
})
