export default definePageConfig({ navigationBarTitleText: 'GovHub 城市服务' })
