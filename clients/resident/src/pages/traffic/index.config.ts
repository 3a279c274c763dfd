export default definePageConfig({ navigationBarTitleText: '交通罚款' })
