// Chinese first; English through the same switch the API honours (Accept-Language). Page text
// lives here, the gateway's messages come from the server already in the chosen language.
import Taro from '@tarojs/taro'

export type Locale = 'zh-CN' | 'en'
const LOCALE = 'govhub.resident.locale'

export function locale(): Locale {
  return Taro.getStorageSync(LOCALE) === 'en' ? 'en' : 'zh-CN'
}

export function setLocale(next: Locale): void {
  Taro.setStorageSync(LOCALE, next)
}

const EN: Record<string, string> = {
  'GovHub 城市服务': 'GovHub city services',
  搜索办事事项: 'Search services',
  搜索: 'Search',
  常用服务: 'Most used',
  主题服务: 'By theme',
  人生事件: 'Life events',
  特殊群体绿色通道: 'Fast lane',
  长辈模式: 'Elder mode',
  标准模式: 'Standard mode',
  我的: 'Me',
  生活缴费: 'Pay bills',
  预约办事: 'Book a visit',
  排队取号: 'Take a number',
  办件查询: 'Track an application',
  交通罚款: 'Traffic fines',
  登录: 'Sign in',
  退出登录: 'Sign out',
  手机号: 'Mobile number',
  验证码: 'Code',
  获取验证码: 'Send code',
  '秒后重发': 's to resend',
  请输入正确的手机号: 'Enter a valid mobile number',
  加载中: 'Loading',
  重试: 'Retry',
  暂无记录: 'Nothing here yet',
  办事指南: 'Service guide',
  申请材料: 'Materials',
  办理流程: 'Steps',
  收费: 'Fee',
  免费: 'Free',
  承诺时限: 'Promised time',
  当场办结: 'Same day',
  个工作日: ' working days',
  受理条件: 'Conditions',
  常见问题: 'FAQ',
  预约: 'Book',
  取号: 'Take a number',
  在线办理: 'Apply online',
  缴费: 'Pay',
  必需: 'required',
  选择大厅: 'Choose a hall',
  选择日期: 'Choose a day',
  选择时段: 'Choose a time',
  剩余: 'left',
  已约满: 'Full',
  我的预约: 'My bookings',
  取消预约: 'Cancel',
  改约: 'Reschedule',
  签到码: 'Check-in code',
  我的排队: 'My numbers',
  前面还有: 'Ahead of you',
  人: '',
  预计等待: 'Estimated wait',
  分钟: 'min',
  请到: 'Please go to',
  等待中: 'Waiting',
  已叫号: 'Called',
  已完成: 'Done',
  我的账户: 'My accounts',
  绑定户号: 'Bind an account',
  户号: 'Account no.',
  户主姓名: "Holder's name",
  '或 户主手机后四位': "or last 4 of the holder's phone",
  绑定: 'Bind',
  查询欠费: 'Look up',
  欠费合计: 'Due',
  无欠费: 'Nothing due',
  水费: 'Water',
  电费: 'Electricity',
  燃气费: 'Gas',
  缴费记录: 'Receipts',
  车牌号: 'Plate',
  车架号后六位: 'Last 6 of the VIN',
  查询: 'Look up',
  支付结果: 'Payment',
  支付成功: 'Paid',
  等待支付: 'Waiting for payment',
  支付未完成: 'Not paid',
  电子票据: 'E-receipt',
  实名认证: 'Verify your identity',
  姓名: 'Name',
  身份证号: 'ID number',
  提交: 'Submit',
  已实名: 'Verified',
  未实名: 'Not verified',
  待缴费用: 'Fees to pay',
  我的办件: 'My applications',
  办件进度: 'Progress',
  需补正: 'Please supplement',
  填写信息: 'Your answers',
  选填: 'optional',
  '材料库已有，无需再传': 'In your library: nothing to upload',
  已上传: 'Uploaded',
  已选择: 'Chosen',
  拍照或选择图片: 'Take or choose a photo',
  无法选择图片: 'Cannot choose a photo',
  '无法读取该图片，请换一张': 'This photo cannot be read, please choose another',
  还需填写或上传: 'Still needed',
  提交申请: 'Submit',
  请先登录: 'Please sign in first',
  去补正: 'Supplement',
  继续填写: 'Continue',
  撤回申请: 'Withdraw',
  出错了: 'Something went wrong',
  返回首页: 'Home',
  更多: 'More',
  English: '中文',
}

/** The page text in the resident's language (the Chinese text is the key). */
export function t(zh: string): string {
  return locale() === 'en' ? (EN[zh] ?? zh) : zh
}

/** The English or Chinese name of a catalogue entry, whichever the locale asks for. */
export function named(entry: { name: string; name_en?: string | null }): string {
  return locale() === 'en' && entry.name_en ? entry.name_en : entry.name
}
