// Elder mode (长辈模式): large type, high contrast, bigger tap targets. Kept on the device.
import Taro from '@tarojs/taro'

const ELDER = 'govhub.resident.elder'

export function elderMode(): boolean {
  return Taro.getStorageSync(ELDER) === true
}

export function setElderMode(on: boolean): void {
  Taro.setStorageSync(ELDER, on)
}
