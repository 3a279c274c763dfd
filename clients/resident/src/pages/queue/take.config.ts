export default definePageConfig({ navigationBarTitleText: '排队取号' })
